"""Fees (管理費): unit accounts, opened when the front desk registers a unit."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from fees.accounts import handlers as account_handlers
from fees.accounts.api import router as accounts_router
from propops.service import build_service_app
from propops.settings import ServiceSettings


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or ServiceSettings(service_name="fees")
    return build_service_app(
        settings,
        title="PropOps fees",
        description="管理費 · Management fees: unit accounts.",
        routers=[accounts_router],
        handlers=account_handlers.handlers(settings),
        migrations=Path(__file__).parent / "migrations",
    )
