"""Rules of the meeting service (會議服務).

A booking holds its room from ``start`` to ``end``; no two bookings that hold a room overlap
(a cancelled one frees it). Bookings of one room take turns: the first statement of a booking's
transaction bumps the room's ``booking_turn`` (a row lock on PostgreSQL, the database's write
lock on SQLite), so the overlap check that follows sees every booking committed before it and
a second, concurrent booking waits and then sees the first (409 naming it).

Life cycle: booked -> closed (not before its start), or awaiting_keys (keys not returned at the
close) -> closed once they are; booked -> cancelled. Ticking the preparation checklist keeps the
state.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.followups.service import raise_follow_up
from frontdesk.meetings.models import (
    BOOKING_STATES,
    HOLDING_STATES,
    BookingStep,
    ChecklistItem,
    MeetingBooking,
    MeetingRoom,
)
from frontdesk.meetings.schemas import BookingIn, CloseIn, RoomIn
from frontdesk.register.models import Property
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.db import utcnow
from propops.errors import Conflict, Invalid, NotFound
from propops.lifecycle import Lifecycle
from propops.lists import Filter, ListQuery, ListSpec, contains
from propops.references import next_reference
from propops.timezones import DEFAULT_TIME_ZONE, local_date, zone

BOOKING_PREFIX = "M"
LONGEST_BOOKING = timedelta(hours=24)

BOOKING = Lifecycle(
    "booking",
    {
        "tick": (("booked",), None),
        "cancel": (("booked",), "cancelled"),
        "close": (("booked",), None),  # closed, or awaiting_keys: the rule chooses
        "return_keys": (("awaiting_keys",), "closed"),
    },
)


async def add_room(session: AsyncSession, data: RoomIn, principal: Principal) -> MeetingRoom:
    if await session.get(Property, data.property_id) is None:
        raise Invalid(f"property {data.property_id} does not exist", field="property_id")
    check_property(principal, data.property_id)
    clash = await session.scalar(
        select(MeetingRoom.id).where(
            MeetingRoom.property_id == data.property_id, MeetingRoom.name == data.name
        )
    )
    if clash is not None:
        raise Conflict(f"the property already has a room named {data.name}", field="name")
    room = MeetingRoom(**(data.model_dump() | {"equipment": list(dict.fromkeys(data.equipment))}))
    session.add(room)
    await session.flush()
    return room


async def get_room(session: AsyncSession, room_id: str, principal: Principal) -> MeetingRoom:
    return await get_visible(session, MeetingRoom, room_id, principal, noun="room", field="room_id")


ROOMS = ListSpec(
    filters=(Filter("property_id", column=MeetingRoom.property_id, max_length=36),),
    sort={"name": MeetingRoom.name, "capacity": MeetingRoom.capacity},
    default_sort="name",
    id_column=MeetingRoom.id,
)


def rooms_query(principal: Principal, query: ListQuery) -> Select[tuple[MeetingRoom]]:
    stmt = scope_to_properties(select(MeetingRoom), MeetingRoom.property_id, principal)
    return ROOMS.apply(stmt, query)


def _step(booking: MeetingBooking, action: str, actor: str, **details: object) -> BookingStep:
    return BookingStep(
        booking_id=booking.id,
        at=utcnow(),
        action=action,
        status=booking.status,
        actor=actor,
        details={k: v for k, v in details.items() if v is not None},
    )


async def _take_room_turn(session: AsyncSession, room_id: str) -> None:
    """Wait for this room's turn (see the module's doc): the first write of the transaction."""
    await session.execute(
        update(MeetingRoom)
        .where(MeetingRoom.id == room_id)
        .values(booking_turn=MeetingRoom.booking_turn + 1)
        .execution_options(synchronize_session=False)
    )


async def clash_of(
    session: AsyncSession, room_id: str, start: datetime, end: datetime
) -> MeetingBooking | None:
    """The first booking holding the room at some moment of [start, end)."""
    stmt = (
        select(MeetingBooking)
        .where(
            MeetingBooking.room_id == room_id,
            MeetingBooking.status.in_(HOLDING_STATES),
            MeetingBooking.start_at < end,
            MeetingBooking.end_at > start,
        )
        .order_by(MeetingBooking.start_at)
        .limit(1)
    )
    return (await session.scalars(stmt)).first()


async def book(
    session: AsyncSession, data: BookingIn, principal: Principal
) -> tuple[MeetingBooking, list[ChecklistItem]]:
    start, end = data.start, data.end
    if end <= start:
        raise Invalid("end must be after start", field="end")
    if end - start > LONGEST_BOOKING:
        raise Invalid("a booking lasts at most 24 hours", field="end")
    room = await get_room(session, data.room_id, principal)
    if data.attendees > room.capacity:
        raise Invalid(f"{room.name} seats {room.capacity}, not {data.attendees}", field="attendees")
    prop = await session.get(Property, room.property_id)
    assert prop is not None
    await _take_room_turn(session, room.id)
    clash = await clash_of(session, room.id, start, end)
    if clash is not None:
        raise Conflict(
            f"{room.name} is booked from {clash.start_at.isoformat()} to "
            f"{clash.end_at.isoformat()} ({clash.reference}, {clash.organizer})",
            field="start",
            clash={
                "id": clash.id,
                "reference": clash.reference,
                "start": clash.start_at.isoformat(),
                "end": clash.end_at.isoformat(),
                "organizer": clash.organizer,
            },
        )
    booking = MeetingBooking(
        property_id=room.property_id,
        room_id=room.id,
        reference=await next_reference(
            session, BOOKING_PREFIX, prop.id, time_zone=prop.time_zone, at=start
        ),
        start_at=start,
        end_at=end,
        day=local_date(start, prop.time_zone),
        organizer=data.organizer,
        attendees=data.attendees,
        services=list(dict.fromkeys(data.services)),
        notes=data.notes,
        status="booked",
        booked_by=principal.username,
        missing_items=[],
    )
    session.add(booking)
    await session.flush()
    items = [
        ChecklistItem(booking_id=booking.id, position=i, kind=kind, name=name)
        for i, (kind, name) in enumerate(
            [("service", s) for s in booking.services] + [("equipment", e) for e in room.equipment]
        )
    ]
    session.add_all(items)
    session.add(_step(booking, "booked", principal.username, room=room.name))
    await session.flush()
    return booking, items


async def get(session: AsyncSession, booking_id: str, principal: Principal) -> MeetingBooking:
    return await get_visible(
        session, MeetingBooking, booking_id, principal, noun="booking", field="booking_id"
    )


async def checklist(session: AsyncSession, booking_id: str) -> list[ChecklistItem]:
    stmt = (
        select(ChecklistItem)
        .where(ChecklistItem.booking_id == booking_id)
        .order_by(ChecklistItem.position)
    )
    return list((await session.scalars(stmt)).all())


async def tick(
    session: AsyncSession, booking: MeetingBooking, item_id: str, actor: str
) -> ChecklistItem:
    """Mark one preparation item done (ticking it again changes nothing)."""
    BOOKING.check(booking, "tick")
    item = await session.get(ChecklistItem, item_id)
    if item is None or item.booking_id != booking.id:
        raise NotFound(f"booking has no checklist item {item_id}", field="item_id")
    if item.done_at is not None:
        return item
    item.done_at = utcnow()
    item.done_by = actor
    booking.updated_at = utcnow()  # a change of the booking: its version moves
    await BOOKING.apply(
        session, booking, "tick", step=_step(booking, "ticked", actor, item=item.name)
    )
    return item


async def cancel(session: AsyncSession, booking: MeetingBooking, reason: str, actor: str) -> None:
    BOOKING.check(booking, "cancel")
    booking.cancel_reason = reason
    await BOOKING.apply(
        session, booking, "cancel", step=lambda b: _step(b, "cancelled", actor, reason=reason)
    )


async def check_started(session: AsyncSession, booking: MeetingBooking) -> None:
    """A booking is closed once it has started; before, 409 naming ``start`` (the start in the
    property's local time)."""
    if utcnow() >= booking.start_at:
        return
    prop = await session.get(Property, booking.property_id)
    local = booking.start_at.astimezone(zone(prop.time_zone if prop else DEFAULT_TIME_ZONE))
    raise Conflict(
        f"booking {booking.reference} starts at {local:%Y-%m-%d %H:%M}: "
        "it is closed once it has started",
        field="start",
    )


async def close(
    session: AsyncSession, booking: MeetingBooking, data: CloseIn, actor: str
) -> MeetingBooking:
    """Record the cleanup. Equipment missing: a follow-up for the desk. Keys not returned: the
    booking waits as ``awaiting_keys`` (listed) until they are. Not before the booking's start
    (409 naming ``start``): there is nothing to clean up yet."""
    BOOKING.check(booking, "close")
    await check_started(session, booking)
    missing = list(dict.fromkeys(data.missing_items))
    if data.equipment_complete and missing:
        raise Invalid("equipment is complete: no item can be missing", field="missing_items")
    if not data.equipment_complete and not missing:
        raise Invalid("name the equipment that is missing", field="missing_items")
    room = await session.get(MeetingRoom, booking.room_id)
    assert room is not None
    unknown = [m for m in missing if m not in room.equipment]
    if unknown:
        raise Invalid(
            f"{room.name} has no {', '.join(unknown)} (its equipment: "
            f"{', '.join(room.equipment) or 'none'})",
            field="missing_items",
        )
    now = utcnow()
    booking.closed_by = actor
    booking.closed_at = now
    booking.equipment_complete = data.equipment_complete
    booking.missing_items = missing
    booking.power_off = data.power_off
    if data.keys_returned:
        booking.keys_returned_at = now
        booking.keys_returned_to = actor
    follow_up = None
    if missing:
        follow_up = raise_follow_up(
            session,
            property_id=booking.property_id,
            kind="missing_equipment",
            source="meeting_booking",
            source_id=booking.id,
            source_reference=booking.reference,
            description=f"{room.name} · {booking.reference} · {booking.organizer}",
            items=missing,
            actor=actor,
        )
    await BOOKING.apply(
        session,
        booking,
        "close",
        to="closed" if data.keys_returned else "awaiting_keys",
        step=lambda b: _step(
            b,
            "closed",
            actor,
            equipment_complete=data.equipment_complete,
            missing_items=missing or None,
            power_off=data.power_off,
            keys_returned=data.keys_returned,
            notes=data.notes,
            follow_up_id=follow_up.id if follow_up else None,
        ),
    )
    return booking


async def return_keys(
    session: AsyncSession, booking: MeetingBooking, returned_by: str | None, actor: str
) -> None:
    BOOKING.check(booking, "return_keys")
    booking.keys_returned_at = utcnow()
    booking.keys_returned_to = actor
    await BOOKING.apply(
        session,
        booking,
        "return_keys",
        step=lambda b: _step(b, "keys_returned", actor, returned_by=returned_by),
    )


BOOKINGS = ListSpec(
    filters=(
        Filter("property_id", column=MeetingBooking.property_id, max_length=36),
        Filter("room_id", column=MeetingBooking.room_id, max_length=36),
        Filter("status", column=MeetingBooking.status, values=BOOKING_STATES),
        Filter(
            "date",
            column=MeetingBooking.day,
            type=date,
            description="the day the booking starts, at the property",
        ),
    ),
    sort={"start": MeetingBooking.start_at, "created_at": MeetingBooking.created_at},
    default_sort="start",
    id_column=MeetingBooking.id,
    search=contains(MeetingBooking.search_text),
    search_description="reference, organizer or notes",
)


def bookings_query(principal: Principal, query: ListQuery) -> Select[tuple[MeetingBooking]]:
    stmt = scope_to_properties(select(MeetingBooking), MeetingBooking.property_id, principal)
    return BOOKINGS.apply(stmt, query)
