"""保安部 · Security."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from propops.feature import Feature
from propops.service import build_service_app
from propops.settings import ServiceSettings
from propops.tasks import task_feature
from security.gate.api import router as gate_router
from security.gate.handlers import SUBSCRIPTIONS as GATE_SUBSCRIPTIONS


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    return build_service_app(
        settings or ServiceSettings(service_name="security"),
        title="PropOps security",
        description="保安部 · Security: tasks from the front desk's complaints; the gate "
        "(visitors, release passes).",
        features=[
            task_feature("security", path="tasks"),
            Feature("gate", routers=[gate_router], subscriptions=GATE_SUBSCRIPTIONS),
        ],
        migrations=Path(__file__).parent / "migrations",
    )
