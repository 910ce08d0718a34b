"""Fees (管理費): unit accounts (opened when the front desk registers a unit), charges,
payments and each unit's payment status."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from fees.accounts import handlers as account_handlers
from fees.accounts.api import router as accounts_router
from fees.charges.api import router as charges_router
from fees.payments.api import router as payments_router
from fees.settings import FeesSettings
from fees.status.api import router as status_router
from fees.status.sweep import status_sweep_job
from propops.service import build_service_app
from propops.settings import ServiceSettings
from propops.tasks import TaskFeature


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = FeesSettings.of(settings)
    return build_service_app(
        settings,
        title="PropOps fees",
        description="管理費 · Management fees: accounts, charges, payments, payment status.",
        routers=[accounts_router, status_router, charges_router, payments_router],
        handlers=account_handlers.handlers(settings),
        migrations=Path(__file__).parent / "migrations",
        tasks=TaskFeature("fees", path="tasks"),
        jobs=[status_sweep_job(settings.status_sweep_seconds)],
    )
