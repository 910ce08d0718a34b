"""保安部 · Security."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from propops.service import build_service_app
from propops.settings import ServiceSettings


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    return build_service_app(
        settings or ServiceSettings(service_name="security"),
        title="PropOps security",
        description="保安部 · Security.",
        routers=[],
        migrations=Path(__file__).parent / "migrations",
    )
