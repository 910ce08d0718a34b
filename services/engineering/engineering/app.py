"""工程部 · Engineering."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from propops.service import build_service_app
from propops.settings import ServiceSettings
from propops.tasks import task_feature


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    return build_service_app(
        settings or ServiceSettings(service_name="engineering"),
        title="PropOps engineering",
        description="工程部 · Engineering: work orders from the front desk's complaints.",
        features=[task_feature("engineering", path="workorders")],
        migrations=Path(__file__).parent / "migrations",
    )
