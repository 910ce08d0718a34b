"""Front desk (前臺): the property register, and (in later issues) complaints and callbacks."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from frontdesk.register.api import router as register_router
from propops.service import build_service_app
from propops.settings import ServiceSettings


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    return build_service_app(
        settings or ServiceSettings(service_name="frontdesk"),
        title="PropOps front desk",
        description="前臺 · Front desk: property register (properties, units).",
        routers=[register_router],
        migrations=Path(__file__).parent / "migrations",
    )
