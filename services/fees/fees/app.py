"""Fees (管理費): unit accounts (opened when the front desk registers a unit), charges,
payments, each unit's payment status, fee rates, monthly billing runs, and the accounts and
rents of leasing's contracts and venue bookings."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from fees.accounts.api import router as accounts_router
from fees.accounts.handlers import SUBSCRIPTIONS as ACCOUNT_SUBSCRIPTIONS
from fees.arrears.api import router as arrears_router
from fees.billing_runs.api import router as billing_runs_router
from fees.billing_runs.jobs import billing_run_job
from fees.charges.api import router as charges_router
from fees.collection.api import router as collection_router
from fees.collection.jobs import promise_sweep_job
from fees.contracts.handlers import SUBSCRIPTIONS as CONTRACT_SUBSCRIPTIONS
from fees.paid_services import handlers as paid_service_handlers
from fees.payments.api import router as payments_router
from fees.pdf import use_font_file
from fees.rates.api import router as rates_router
from fees.receipts.api import router as receipts_router
from fees.reports.api import router as reports_router
from fees.settings import FeesSettings
from fees.statements.api import router as statements_router
from fees.status.api import router as status_router
from fees.status.sweep import status_sweep_job
from propops.feature import Feature
from propops.service import build_service_app
from propops.settings import ServiceSettings
from propops.tasks import task_feature


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = FeesSettings.of(settings)
    use_font_file(settings.pdf_font)  # receipts and statements; a warning if it is missing
    return build_service_app(
        settings,
        title="PropOps fees",
        description="管理費 · Management fees: accounts, charges, payments, payment status.",
        features=[
            Feature("accounts", routers=[accounts_router], subscriptions=ACCOUNT_SUBSCRIPTIONS),
            Feature(
                "status",
                routers=[status_router],
                jobs=[status_sweep_job(settings.status_sweep_seconds)],
            ),
            Feature("charges", routers=[charges_router]),
            Feature("payments", routers=[payments_router]),
            Feature("paid-services", subscriptions=paid_service_handlers.subscriptions(settings)),
            Feature("receipts", routers=[receipts_router]),
            Feature("statements", routers=[statements_router]),
            Feature("arrears", routers=[arrears_router]),
            Feature(
                "collection",
                routers=[collection_router],
                jobs=[promise_sweep_job(settings.status_sweep_seconds)],
            ),
            task_feature("fees", path="tasks"),
            Feature("reports", routers=[reports_router]),
            Feature("fee-rates", routers=[rates_router]),
            Feature(
                "billing-runs",
                routers=[billing_runs_router],
                jobs=[
                    billing_run_job(
                        settings.billing_run_resume_seconds,
                        settings.billing_run_stall_seconds,
                        settings.billing_run_chunk,
                    )
                ],
            ),
            Feature("contracts", subscriptions=CONTRACT_SUBSCRIPTIONS),
        ],
        migrations=Path(__file__).parent / "migrations",
    )
