"""保潔部 · Cleaning and greening."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from propops.service import build_service_app
from propops.settings import ServiceSettings
from propops.tasks import task_feature


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    return build_service_app(
        settings or ServiceSettings(service_name="cleaning"),
        title="PropOps cleaning",
        description="保潔部 · Cleaning and greening: tasks from the front desk's complaints.",
        features=[task_feature("cleaning", path="tasks")],
        migrations=Path(__file__).parent / "migrations",
    )
