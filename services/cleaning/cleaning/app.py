"""保潔部 · Cleaning and greening: the areas of each property, cleaning schedules that make the
day's tasks, hygiene checks whose failures raise a task at once, and the greening contractor's
jobs with their progress."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from cleaning.areas.api import router as areas_router
from cleaning.greening.api import router as greening_router
from propops.feature import Feature
from propops.service import build_service_app
from propops.settings import ServiceSettings
from propops.tasks import task_feature


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    return build_service_app(
        settings or ServiceSettings(service_name="cleaning"),
        title="PropOps cleaning",
        description="保潔部 · Cleaning and greening: areas, cleaning schedules, hygiene checks, "
        "the greening contractor's jobs, and tasks (from complaints, schedules and failed checks).",
        features=[
            task_feature("cleaning", path="tasks"),
            Feature("areas", routers=[areas_router]),
            Feature("greening", routers=[greening_router]),
        ],
        migrations=Path(__file__).parent / "migrations",
    )
