"""保潔部 · Cleaning and greening: the areas of each property, cleaning schedules that make the
day's tasks, hygiene checks whose failures raise a task at once, and the greening contractor's
jobs with their progress."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from cleaning.areas.api import router as areas_router
from cleaning.greening.api import router as greening_router
from cleaning.hygiene.api import router as hygiene_router
from cleaning.schedules.api import router as schedules_router
from cleaning.schedules.generate import schedule_job
from cleaning.settings import CleaningSettings
from propops.feature import Feature
from propops.service import build_service_app
from propops.settings import ServiceSettings
from propops.tasks import task_feature


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = CleaningSettings.of(settings)
    return build_service_app(
        settings,
        title="PropOps cleaning",
        description="保潔部 · Cleaning and greening: areas, cleaning schedules, hygiene checks, "
        "the greening contractor's jobs, and tasks (from complaints, schedules and failed checks).",
        features=[
            task_feature("cleaning", path="tasks"),
            Feature("areas", routers=[areas_router]),
            Feature(
                "schedules",
                routers=[schedules_router],
                jobs=[schedule_job(settings.schedule_sweep_seconds)],
            ),
            Feature("hygiene", routers=[hygiene_router]),
            Feature("greening", routers=[greening_router]),
        ],
        migrations=Path(__file__).parent / "migrations",
    )
