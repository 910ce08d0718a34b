"""Engineering: damage found at a venue's check-out (leasing's event) becomes one work order of
kind ``damage`` per booking, however often the event comes (redelivered, or replayed as a new
message)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from engineering.app import create_app
from propops.events import new_event
from propops.events.payloads import VenueDamageReported
from propops.messaging.models import InboxRow
from propops.testing.fixtures import eventually
from propops.testing.tasks import publish, task_events, tasks_of


async def test_venue_damage_becomes_one_work_order(start_service) -> None:
    eng = await start_service(create_app, "engineering")
    assert await eng.ctx.bus.wait_ready(within=15)
    booking_id = str(uuid.uuid4())
    damage = VenueDamageReported(
        booking_id=booking_id,
        reference="VB-2026-00007",
        property_id="p-1",
        space_id="s-1",
        space_code="HALL-1",
        space_name="Clubhouse hall",
        location="Clubhouse 1/F",
        organizer="Residents' association",
        organizer_phone="2345 6789",
        damage="Two chairs broken",
        condition_note="Litter left",
        time_zone="Asia/Hong_Kong",
        actor="lessor",
        at=datetime.now(UTC),
    )
    event = new_event(damage, subject=booking_id)
    await publish(eng, damage, "", subject=booking_id, event=event)
    await publish(eng, damage, "", subject=booking_id, event=event, msg_id=str(uuid.uuid4()))
    again = new_event(damage, subject=booking_id)  # replayed as another event: same booking
    await publish(eng, damage, "", subject=booking_id, event=again)

    async def made() -> list[dict]:
        return await tasks_of(eng, "workorders", kind="damage")

    [order] = await eventually(made, what="the damage work order")
    assert order["source_key"] == f"venue-damage:{booking_id}"
    assert order["title"] == "Venue damage: Clubhouse hall (HALL-1)"
    assert "Two chairs broken" in order["description"] and "VB-2026-00007" in order["description"]
    assert order["location"] == "Clubhouse 1/F" and order["contact_phone"] == "2345 6789"
    assert order["reference"].startswith("W-") and order["status"] == "open"

    async def all_handled() -> bool:
        async with eng.ctx.db.sessions() as s:
            handled = await s.scalars(
                select(InboxRow.event_id).where(InboxRow.event_id.in_([event.id, again.id]))
            )
            return len(set(handled.all())) == 2

    await eventually(all_handled, what="both distinct events handled")
    assert len(await tasks_of(eng, "workorders", kind="damage")) == 1
    assert len(await task_events(eng, "engineering", "created")) == 1
