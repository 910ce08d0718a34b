"""Front desk (前臺): the property register, parties and occupancy, complaints, callbacks,
the phone log, Open311, the unit payment status copied from fees, visitors and release
passes, meeting rooms and their bookings, the desk's follow-ups, shift handovers and the
document archive, the security alerts copied from security, the desk's own staff (shifts,
leave, clock-in/out and training) and the supervisor's signed daily reviews."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from frontdesk.callbacks.api import router as callbacks_router
from frontdesk.calls.api import router as calls_router
from frontdesk.commitments.api import router as commitments_router
from frontdesk.complaints import handlers as complaint_handlers
from frontdesk.complaints import service as complaints
from frontdesk.complaints.api import router as complaints_router
from frontdesk.daily_reviews.api import router as daily_reviews_router
from frontdesk.daily_reviews.api import supervisor_router as daily_reviews_supervisor_router
from frontdesk.documents.api import artwork_router
from frontdesk.documents.api import router as documents_router
from frontdesk.followups.api import router as followups_router
from frontdesk.handovers.api import router as handovers_router
from frontdesk.inspections.api import router as inspections_router
from frontdesk.leave_requests.api import router as leave_router
from frontdesk.leave_requests.api import supervisor_router as leave_supervisor_router
from frontdesk.meetings.api import router as meetings_router
from frontdesk.nonconformances import service as nonconformances
from frontdesk.nonconformances.api import router as nonconformances_router
from frontdesk.nonconformances.handlers import SUBSCRIPTIONS as NONCONFORMANCE_SUBSCRIPTIONS
from frontdesk.notices.api import public_router as notices_public_router
from frontdesk.notices.api import router as notices_router
from frontdesk.open311.api import admin_router as open311_admin_router
from frontdesk.open311.api import router as open311_router
from frontdesk.paid_services.api import router as paid_services_router
from frontdesk.paid_services.handlers import SUBSCRIPTIONS as PAID_SERVICE_SUBSCRIPTIONS
from frontdesk.parties.api import router as parties_router
from frontdesk.payment_status.handlers import SUBSCRIPTIONS as PAYMENT_STATUS_SUBSCRIPTIONS
from frontdesk.register.api import router as register_router
from frontdesk.release_passes.api import manager_router as release_pass_manager_router
from frontdesk.release_passes.api import router as release_passes_router
from frontdesk.release_passes.handlers import SUBSCRIPTIONS as RELEASE_PASS_SUBSCRIPTIONS
from frontdesk.reports.api import router as reports_router
from frontdesk.security_alerts.api import router as security_alerts_router
from frontdesk.security_alerts.handlers import SUBSCRIPTIONS as SECURITY_ALERT_SUBSCRIPTIONS
from frontdesk.settings import FrontdeskSettings
from frontdesk.staff_shifts.api import router as staff_shifts_router
from frontdesk.training.api import router as training_router
from frontdesk.visits.api import router as visits_router
from frontdesk.visits.handlers import SUBSCRIPTIONS as VISIT_SUBSCRIPTIONS
from propops.context import ServiceContext
from propops.db import utcnow
from propops.feature import Feature
from propops.jobs import every, try_lock
from propops.service import build_service_app
from propops.settings import ServiceSettings
from propops.uploads import DOCUMENTS_UPLOAD, upload_body_limit


async def sweep_overdue(ctx: ServiceContext) -> int:
    async with ctx.db.sessions() as session:
        if not await try_lock(session, "frontdesk-overdue"):
            return 0
        count = await complaints.publish_overdue(session, ctx.settings)  # type: ignore[arg-type]
        await session.commit()
        return count


async def sweep_overdue_nonconformances(ctx: ServiceContext) -> int:
    async with ctx.db.sessions() as session:
        if not await try_lock(session, "frontdesk-nonconformance-overdue"):
            return 0
        count = await nonconformances.publish_overdue(session, utcnow())
        await session.commit()
        return count


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = FrontdeskSettings.of(settings)
    return build_service_app(
        settings,
        title="PropOps front desk",
        description="前臺 · Front desk: register, parties, complaints, callbacks, calls, meeting "
        "rooms, handovers, documents.",
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
            Feature("visits", routers=[visits_router], subscriptions=VISIT_SUBSCRIPTIONS),
            Feature(
                "release-passes",
                routers=[release_passes_router],
                manager_routers=[release_pass_manager_router],
                subscriptions=RELEASE_PASS_SUBSCRIPTIONS,
            ),
            Feature("meetings", routers=[meetings_router]),
            Feature("follow-ups", routers=[followups_router]),
            Feature("handovers", routers=[handovers_router]),
            Feature("documents", routers=[documents_router], public_routers=[artwork_router]),
            Feature(
                "security-alerts",
                routers=[security_alerts_router],
                subscriptions=SECURITY_ALERT_SUBSCRIPTIONS,
            ),
            # drafts and actions under /v1; what is published now is public (no bearer token)
            Feature(
                "paid-services",
                routers=[paid_services_router],
                subscriptions=PAID_SERVICE_SUBSCRIPTIONS,  # engineering's work orders
            ),
            Feature("notices", routers=[notices_router], public_routers=[notices_public_router]),
            Feature("inspections", routers=[inspections_router]),
            Feature("staff-shifts", routers=[staff_shifts_router]),
            # requests and cancellations by the desk; approve and refuse by the supervisor
            Feature(
                "leave-requests",
                routers=[leave_router],
                supervisor_routers=[leave_supervisor_router],
            ),
            Feature("training", routers=[training_router]),
            # read by the desk; signed by the supervisor or a manager
            Feature(
                "daily-reviews",
                routers=[daily_reviews_router],
                supervisor_routers=[daily_reviews_supervisor_router],
            ),
            Feature(
                "nonconformances",
                routers=[nonconformances_router],
                subscriptions=NONCONFORMANCE_SUBSCRIPTIONS,
                jobs=[
                    every(
                        settings.overdue_sweep_seconds,
                        "nonconformance-overdue",
                        sweep_overdue_nonconformances,
                    )
                ],
            ),
        ],
        migrations=Path(__file__).parent / "migrations",
        larger_bodies={DOCUMENTS_UPLOAD: upload_body_limit(settings)},
    )
