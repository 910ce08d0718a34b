"""保安部 · Security."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from propops.service import build_service_app
from propops.settings import ServiceSettings
from propops.tasks import task_feature


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    return build_service_app(
        settings or ServiceSettings(service_name="security"),
        title="PropOps security",
        description="保安部 · Security: tasks from the front desk's complaints.",
        features=[task_feature("security", path="tasks")],
        migrations=Path(__file__).parent / "migrations",
    )
