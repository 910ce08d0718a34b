"""Venue damage found when a venue booking checked out (leasing's
``propops.leasing.venue_booking.damage_reported.v1``) becomes one engineering work order of kind
``damage`` per booking: ``create_task`` keys it by the booking, so a redelivered or replayed
event, or a second replica, finds the same work order."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propops.events.envelope import CloudEvent
from propops.events.payloads import VenueDamageReported
from propops.messaging.subscriptions import On
from propops.tasks import NewTask, create_task

DEPARTMENT = "engineering"
LEASING = "leasing"  # the actor of the work order's creation


def source_key(booking_id: str) -> str:
    return f"venue-damage:{booking_id}"


async def on_damage_reported(
    session: AsyncSession, damage: VenueDamageReported, event: CloudEvent
) -> None:
    who = damage.reference or damage.booking_id
    await create_task(
        session,
        DEPARTMENT,
        NewTask(
            property_id=damage.property_id,
            kind="damage",
            title=f"Venue damage: {damage.space_name} ({damage.space_code})",
            description=(
                f"{damage.damage}\n\nFound at check-out of venue booking {who} "
                f"({damage.organizer})."
                + (f"\nCondition: {damage.condition_note}" if damage.condition_note else "")
            ),
            location=damage.location,
            contact_name=damage.organizer,
            contact_phone=damage.organizer_phone,
            priority="normal",
            source_id=damage.booking_id,
            source_key=source_key(damage.booking_id),
            actor=damage.actor or LEASING,
            time_zone=damage.time_zone,
        ),
    )


SUBSCRIPTIONS: list[On[Any]] = [On(VenueDamageReported, on_damage_reported)]
