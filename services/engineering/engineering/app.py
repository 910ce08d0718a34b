"""工程部 · Engineering."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from engineering.equipment.api import router as equipment_router
from engineering.equipment.handlers import SUBSCRIPTIONS as EQUIPMENT_SUBSCRIPTIONS
from engineering.maintenance.api import router as maintenance_router
from engineering.maintenance.job import generator_job
from engineering.paid_services.handlers import SUBSCRIPTIONS as PAID_SERVICE_SUBSCRIPTIONS
from engineering.settings import EngineeringSettings
from engineering.venue_damage.handlers import SUBSCRIPTIONS as VENUE_DAMAGE_SUBSCRIPTIONS
from propops.feature import Feature
from propops.service import build_service_app
from propops.settings import ServiceSettings
from propops.tasks import task_feature


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = EngineeringSettings.of(settings)
    return build_service_app(
        settings,
        title="PropOps engineering",
        description="工程部 · Engineering: work orders from the front desk's complaints and "
        "from damage found in venues (leasing), the equipment register and its maintenance "
        "plans, and paid services.",
        features=[
            task_feature("engineering", path="workorders"),
            Feature("venue_damage", subscriptions=VENUE_DAMAGE_SUBSCRIPTIONS),
            Feature("equipment", routers=[equipment_router], subscriptions=EQUIPMENT_SUBSCRIPTIONS),
            Feature(
                "maintenance",
                routers=[maintenance_router],
                jobs=[generator_job(settings.maintenance_generate_seconds)],
            ),
            # an accepted paid service is a work order of kind paid_service (one per service)
            Feature("paid-services", subscriptions=PAID_SERVICE_SUBSCRIPTIONS),
        ],
        migrations=Path(__file__).parent / "migrations",
    )
