"""Engineering's side of paid services (項目計費): an accepted paid service becomes one work
order of kind ``paid_service`` (one per paid service: ``source_key``, whatever the redeliveries),
and a cancelled one cancels its work order if it is not done yet. The work order's own events
(``TaskChanged`` with ``kind`` and ``source_id``) tell the front desk how it goes."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propops.events.envelope import CloudEvent
from propops.events.payloads import PaidServiceChanged
from propops.messaging.subscriptions import On
from propops.tasks import NewTask, cancel_by_source, create_task

DEPARTMENT = "engineering"
FRONTDESK = "frontdesk"


def source_key(paid_service_id: str) -> str:
    return f"paid_service:{paid_service_id}"


async def on_accepted(session: AsyncSession, paid: PaidServiceChanged, event: CloudEvent) -> None:
    place, contact = paid.place, paid.contact
    await create_task(
        session,
        DEPARTMENT,
        NewTask(
            property_id=paid.property_id,
            kind="paid_service",
            title=f"Paid service {paid.reference or paid.paid_service_id}",
            description=paid.description or paid.notes,
            property_name=place.property_name if place else None,
            building=place.building if place else None,
            unit_number=place.unit_number if place else None,
            floor=place.floor if place else None,
            unit_id=paid.unit_id,
            contact_name=contact.name if contact else None,
            contact_phone=contact.phone if contact else None,
            source_id=paid.paid_service_id,
            source_key=source_key(paid.paid_service_id),
            actor=paid.actor or FRONTDESK,
            time_zone=place.time_zone if place else None,
        ),
    )


async def on_cancelled(session: AsyncSession, paid: PaidServiceChanged, event: CloudEvent) -> None:
    await cancel_by_source(
        session,
        DEPARTMENT,
        source_key(paid.paid_service_id),
        paid.reason or "paid service cancelled at the front desk",
        actor=paid.actor or FRONTDESK,
    )


SUBSCRIPTIONS: list[On[Any]] = [
    On(PaidServiceChanged, on_accepted, verbs=("accepted",)),
    On(PaidServiceChanged, on_cancelled, verbs=("cancelled",)),
]
