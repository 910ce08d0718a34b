"""Front desk (前臺): the property register, parties and occupancy, complaints, callbacks,
the phone log, and the unit payment status copied from fees."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from frontdesk.callbacks.api import router as callbacks_router
from frontdesk.calls.api import router as calls_router
from frontdesk.complaints import handlers as complaint_handlers
from frontdesk.complaints import service as complaints
from frontdesk.complaints.api import router as complaints_router
from frontdesk.open311.api import admin_router as open311_admin_router
from frontdesk.open311.api import router as open311_router
from frontdesk.parties.api import router as parties_router
from frontdesk.payment_status.handlers import HANDLERS as PAYMENT_STATUS_HANDLERS
from frontdesk.register.api import router as register_router
from frontdesk.settings import FrontdeskSettings
from propops.jobs import every, try_lock
from propops.service import ServiceContext, build_service_app
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
    app = build_service_app(
        settings,
        title="PropOps front desk",
        description="前臺 · Front desk: register, parties, complaints, callbacks, calls.",
        routers=[
            register_router,
            parties_router,
            complaints_router,
            callbacks_router,
            calls_router,
            open311_admin_router,
        ],
        handlers={**PAYMENT_STATUS_HANDLERS, **complaint_handlers.handlers(settings)},
        migrations=Path(__file__).parent / "migrations",
        jobs=[every(settings.overdue_sweep_seconds, "overdue", sweep_overdue)],
    )
    # public, outside /v1 (no bearer token): Open311 checks its own api_key on POST
    app.include_router(open311_router)
    return app
