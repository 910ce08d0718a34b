"""The front desk's complaint events a department's tasks react to.

Each handler runs in the consumer's transaction (effect + inbox row together). Events for
another department are ignored; events about a complaint the department knows nothing about
are logged and ignored by the rules (``service.py``), never raised: a retry would not help.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propops.events.envelope import CloudEvent
from propops.events.payloads import ComplaintChanged, ComplaintRerouted, SiteVisited
from propops.messaging.subscriptions import On
from propops.tasks import service
from propops.tasks.nonconformances import nonconformance_subscriptions
from propops.tasks.service import FRONTDESK


def _concerns(complaint: ComplaintChanged, department: str) -> bool:
    """A complaint event names its department; one that names none is checked against our
    tasks by complaint id."""
    return complaint.department in (None, department)


def task_subscriptions(department: str) -> list[On[Any]]:
    """The events one department's tasks react to."""

    async def on_dispatched(
        session: AsyncSession, complaint: ComplaintChanged, event: CloudEvent
    ) -> None:
        if complaint.department == department:
            await service.create_from_dispatch(session, department, complaint)

    async def on_site_visited(session: AsyncSession, visit: SiteVisited, event: CloudEvent) -> None:
        if visit.department == department:
            await service.apply_site_visit(session, department, visit)

    async def on_rerouted(
        session: AsyncSession, moved: ComplaintRerouted, event: CloudEvent
    ) -> None:
        if moved.from_department == department:
            await service.cancel_for_complaint(
                session,
                department,
                moved.complaint_id,
                f"complaint rerouted to {moved.to_department}",
                actor=moved.actor or FRONTDESK,
                at=moved.at,
            )

    async def on_reopened(
        session: AsyncSession, complaint: ComplaintChanged, event: CloudEvent
    ) -> None:
        if _concerns(complaint, department):
            await service.reopen_for_complaint(
                session,
                department,
                complaint.complaint_id,
                complaint.reason or "complaint reopened by the front desk",
                actor=complaint.actor or FRONTDESK,
                at=complaint.at,
            )

    async def on_cancelled(
        session: AsyncSession, complaint: ComplaintChanged, event: CloudEvent
    ) -> None:
        if _concerns(complaint, department):
            await service.cancel_for_complaint(
                session,
                department,
                complaint.complaint_id,
                complaint.reason or "complaint cancelled by the front desk",
                actor=complaint.actor or FRONTDESK,
                at=complaint.at,
            )

    return [
        On(ComplaintChanged, on_dispatched, verbs=("dispatched",)),
        On(SiteVisited, on_site_visited),
        On(ComplaintRerouted, on_rerouted),
        On(ComplaintChanged, on_reopened, verbs=("reopened",)),
        On(ComplaintChanged, on_cancelled, verbs=("cancelled",)),
        *nonconformance_subscriptions(department),
    ]
