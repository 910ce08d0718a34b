"""工程部 · Engineering."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from engineering.venue_damage.handlers import SUBSCRIPTIONS as VENUE_DAMAGE_SUBSCRIPTIONS
from propops.feature import Feature
from propops.service import build_service_app
from propops.settings import ServiceSettings
from propops.tasks import task_feature


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    return build_service_app(
        settings or ServiceSettings(service_name="engineering"),
        title="PropOps engineering",
        description="工程部 · Engineering: work orders from the front desk's complaints and "
        "from damage found in venues (leasing).",
        features=[
            task_feature("engineering", path="workorders"),
            Feature("venue_damage", subscriptions=VENUE_DAMAGE_SUBSCRIPTIONS),
        ],
        migrations=Path(__file__).parent / "migrations",
    )
