"""廣告位、倉庫、場地 · Leasing of ad spaces, warehouses and venues."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from propops.service import build_service_app
from propops.settings import ServiceSettings


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    return build_service_app(
        settings or ServiceSettings(service_name="leasing"),
        title="PropOps leasing",
        description="廣告位、倉庫、場地 · Leasing of ad spaces, warehouses and venues.",
        routers=[],
        migrations=Path(__file__).parent / "migrations",
    )
