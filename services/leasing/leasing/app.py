"""廣告位、倉庫、場地 · Leasing of ad spaces, warehouses and venues: spaces, negotiations,
contracts (fees charges their rent), venue bookings (the venue fee at signing; damage at
check-out goes to engineering) and ads."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from leasing.ads.api import router as ads_router
from leasing.artwork.api import router as artwork_router
from leasing.artwork.handlers import SUBSCRIPTIONS as ARTWORK_SUBSCRIPTIONS
from leasing.contracts.api import router as contracts_router
from leasing.negotiations.api import router as negotiations_router
from leasing.properties.api import router as properties_router
from leasing.properties.handlers import SUBSCRIPTIONS as PROPERTY_SUBSCRIPTIONS
from leasing.spaces.api import router as spaces_router
from leasing.venues.api import router as venues_router
from propops.feature import Feature
from propops.service import build_service_app
from propops.settings import ServiceSettings
from propops.tasks import task_feature


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    return build_service_app(
        settings or ServiceSettings(service_name="leasing"),
        title="PropOps leasing",
        description=(
            "廣告位、倉庫、場地 · Leasing of ad spaces, warehouses and venues: spaces, "
            "negotiations, contracts, venue bookings, ads; tasks from the front desk's "
            "complaints."
        ),
        features=[
            Feature(
                "properties", routers=[properties_router], subscriptions=PROPERTY_SUBSCRIPTIONS
            ),
            Feature("spaces", routers=[spaces_router]),
            Feature("negotiations", routers=[negotiations_router]),
            Feature("contracts", routers=[contracts_router]),
            Feature("venues", routers=[venues_router]),
            Feature("ads", routers=[ads_router]),
            Feature("artwork", routers=[artwork_router], subscriptions=ARTWORK_SUBSCRIPTIONS),
            task_feature("leasing", path="tasks"),
        ],
        migrations=Path(__file__).parent / "migrations",
    )
