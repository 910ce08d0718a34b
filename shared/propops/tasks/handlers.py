"""The front desk's complaint events a department's tasks react to.

Each handler runs in the consumer's transaction (effect + inbox row together). Events for
another department are ignored; events about a complaint the department knows nothing about
are logged and ignored by the rules (``service.py``), never raised: a retry would not help.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from propops.events.catalog import complaint_event_type
from propops.events.envelope import CloudEvent
from propops.events.payloads import ComplaintChanged, ComplaintRerouted, SiteVisited
from propops.messaging.consumer import Handler
from propops.tasks import service
from propops.tasks.service import FRONTDESK


def _concerns(complaint: ComplaintChanged, department: str) -> bool:
    """A complaint event names its department; one that names none is checked against our
    tasks by complaint id."""
    return complaint.department in (None, department)


def task_handlers(department: str, namespace: str = "") -> dict[str, Handler]:
    """The handlers of one department's tasks, by event type."""

    async def on_dispatched(session: AsyncSession, event: CloudEvent) -> None:
        complaint = ComplaintChanged.model_validate(event.data)
        if complaint.department == department:
            await service.create_from_dispatch(session, department, complaint, namespace=namespace)

    async def on_site_visited(session: AsyncSession, event: CloudEvent) -> None:
        visit = SiteVisited.model_validate(event.data)
        if visit.department == department:
            await service.apply_site_visit(session, department, visit, namespace=namespace)

    async def on_rerouted(session: AsyncSession, event: CloudEvent) -> None:
        moved = ComplaintRerouted.model_validate(event.data)
        if moved.from_department == department:
            await service.cancel_for_complaint(
                session,
                department,
                moved.complaint_id,
                f"complaint rerouted to {moved.to_department}",
                actor=moved.actor or FRONTDESK,
                at=moved.at,
                namespace=namespace,
            )

    async def on_reopened(session: AsyncSession, event: CloudEvent) -> None:
        complaint = ComplaintChanged.model_validate(event.data)
        if _concerns(complaint, department):
            await service.reopen_for_complaint(
                session,
                department,
                complaint.complaint_id,
                complaint.reason or "complaint reopened by the front desk",
                actor=complaint.actor or FRONTDESK,
                at=complaint.at,
                namespace=namespace,
            )

    async def on_cancelled(session: AsyncSession, event: CloudEvent) -> None:
        complaint = ComplaintChanged.model_validate(event.data)
        if _concerns(complaint, department):
            await service.cancel_for_complaint(
                session,
                department,
                complaint.complaint_id,
                complaint.reason or "complaint cancelled by the front desk",
                actor=complaint.actor or FRONTDESK,
                at=complaint.at,
                namespace=namespace,
            )

    return {
        complaint_event_type("dispatched"): on_dispatched,
        complaint_event_type("site_visited"): on_site_visited,
        complaint_event_type("rerouted"): on_rerouted,
        complaint_event_type("reopened"): on_reopened,
        complaint_event_type("cancelled"): on_cancelled,
    }
