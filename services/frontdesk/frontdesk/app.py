"""Front desk (前臺): the property register, parties and occupancy, complaints, callbacks,
the phone log, Open311, and the unit payment status copied from fees."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from frontdesk.callbacks.api import router as callbacks_router
from frontdesk.calls.api import router as calls_router
from frontdesk.commitments.api import router as commitments_router
from frontdesk.complaints import handlers as complaint_handlers
from frontdesk.complaints import service as complaints
from frontdesk.complaints.api import router as complaints_router
from frontdesk.notices.api import public_router as notices_public_router
from frontdesk.notices.api import router as notices_router
from frontdesk.open311.api import admin_router as open311_admin_router
from frontdesk.open311.api import router as open311_router
from frontdesk.paid_services.api import router as paid_services_router
from frontdesk.paid_services.handlers import SUBSCRIPTIONS as PAID_SERVICE_SUBSCRIPTIONS
from frontdesk.parties.api import router as parties_router
from frontdesk.payment_status.handlers import SUBSCRIPTIONS as PAYMENT_STATUS_SUBSCRIPTIONS
from frontdesk.register.api import router as register_router
from frontdesk.reports.api import router as reports_router
from frontdesk.settings import FrontdeskSettings
from propops.context import ServiceContext
from propops.feature import Feature
from propops.jobs import every, try_lock
from propops.service import build_service_app
from propops.settings import ServiceSettings


async def sweep_overdue(ctx: ServiceContext) -> int:
    async with ctx.db.sessions() as session:
        if not await try_lock(session, "frontdesk-overdue"):
            return 0
        count = await complaints.publish_overdue(session, ctx.settings)  # type: ignore[arg-type]
        await session.commit()
        return count


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = FrontdeskSettings.of(settings)
    return build_service_app(
        settings,
        title="PropOps front desk",
        description="前臺 · Front desk: register, parties, complaints, callbacks, calls.",
        features=[
            Feature("register", routers=[register_router]),
            Feature("parties", routers=[parties_router]),
            Feature("payment-status", subscriptions=PAYMENT_STATUS_SUBSCRIPTIONS),
            Feature(
                "complaints",
                routers=[complaints_router],
                subscriptions=complaint_handlers.subscriptions(settings),
                jobs=[every(settings.overdue_sweep_seconds, "overdue", sweep_overdue)],
            ),
            Feature("commitments", routers=[commitments_router]),
            Feature("callbacks", routers=[callbacks_router]),
            Feature("calls", routers=[calls_router]),
            # public, outside /v1 (no bearer token): Open311 checks its own api_key on POST
            Feature("open311", routers=[open311_admin_router], public_routers=[open311_router]),
            Feature("reports", routers=[reports_router]),
            # drafts and actions under /v1; what is published now is public (no bearer token)
            Feature(
                "paid-services",
                routers=[paid_services_router],
                subscriptions=PAID_SERVICE_SUBSCRIPTIONS,  # engineering's work orders
            ),
            Feature("notices", routers=[notices_router], public_routers=[notices_public_router]),
        ],
        migrations=Path(__file__).parent / "migrations",
    )
