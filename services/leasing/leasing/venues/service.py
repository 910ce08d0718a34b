"""Rules of venue bookings.

``requested -> signed -> in_use -> completed`` (``check-in``, ``check-out``); a booking may be
``cancel``-led (with a reason) while requested, or once signed before its start: that publishes
``VenueBookingCancelled`` and fees voids the venue fee (once; what was paid becomes the booking
account's credit). Once the use has started, or the venue is checked in, it is a 409.
- No double booking: a booking's time may not overlap another live booking of the venue
  (requested, signed, in use or completed): 409 naming the other. Checked under the venue's
  lock (``lock_space``), so two bookings at once cannot both pass.
- Signing needs a fee (the booking's or the one given) and publishes ``VenueBookingSigned``:
  fees raises the venue management fee at once (the manual: paid at signing).
- Check-out records the condition; a damage publishes ``VenueDamageReported``, from which
  engineering raises one work order.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from leasing.spaces.models import Space, SpaceKind
from leasing.spaces.service import lock_space, space_for
from leasing.venues.models import (
    CANCELLED,
    COMPLETED,
    HOLDING,
    IN_USE,
    REQUESTED,
    SIGNED,
    STATUSES,
    VenueBooking,
    VenueBookingStep,
)
from leasing.venues.schemas import BookingIn, CheckOutIn
from propops.auth import Principal, get_visible, scope_to_properties
from propops.db import utcnow
from propops.errors import Conflict, Invalid
from propops.events.payloads import (
    VenueBookingCancelled,
    VenueBookingSigned,
    VenueDamageReported,
)
from propops.lifecycle import Event, Lifecycle
from propops.lists import Filter, ListQuery, ListSpec, contains
from propops.references import next_reference
from propops.timezones import zone

REFERENCE_PREFIX = "VB"

BOOKING = Lifecycle(
    "venue booking",
    {
        "sign": ((REQUESTED,), SIGNED),
        "check_in": ((SIGNED,), IN_USE),
        "check_out": ((IN_USE,), COMPLETED),
        "cancel": ((REQUESTED, SIGNED), CANCELLED),
    },
)


def _step(b: VenueBooking, action: str, actor: str, **details: Any) -> VenueBookingStep:
    return VenueBookingStep(
        booking_id=b.id,
        at=utcnow(),
        actor=actor,
        action=action,
        status=b.status,
        details={k: v for k, v in details.items() if v is not None},
    )


async def book(session: AsyncSession, data: BookingIn, principal: Principal) -> VenueBooking:
    space = await space_for(session, data.space_id, principal, SpaceKind.venue)
    if data.end <= data.start:
        raise Invalid("a booking ends after it starts", field="end")
    await lock_space(session, space)
    other = await session.scalar(
        select(VenueBooking)
        .where(
            VenueBooking.space_id == space.id,
            VenueBooking.status.in_(HOLDING),
            VenueBooking.start < data.end,
            VenueBooking.end > data.start,
        )
        .order_by(VenueBooking.start)
        .limit(1)
    )
    if other is not None:
        local = zone(space.time_zone)
        raise Conflict(
            f"venue {space.code} is booked by {other.organizer} under {other.reference} "
            f"from {other.start.astimezone(local):%Y-%m-%d %H:%M} "
            f"to {other.end.astimezone(local):%Y-%m-%d %H:%M}",
            field="start" if other.start <= data.start else "end",
            clash_booking_id=other.id,
            clash_reference=other.reference,
            clash_start=other.start.isoformat(),
            clash_end=other.end.isoformat(),
        )
    now = utcnow()
    booking = VenueBooking(
        property_id=space.property_id,
        space_id=space.id,
        reference=await next_reference(
            session, REFERENCE_PREFIX, space.property_id, time_zone=space.time_zone, at=now
        ),
        start=data.start,
        end=data.end,
        organizer=data.organizer,
        organizer_phone=data.organizer_phone,
        purpose=data.purpose,
        fee=data.fee,
        status=REQUESTED,
        time_zone=space.time_zone,
        created_by=principal.username,
    )
    session.add(booking)
    await session.flush()
    session.add(_step(booking, "booked", principal.username))
    await session.flush()
    return booking


async def _space(session: AsyncSession, booking: VenueBooking) -> Space:
    space = await session.get(Space, booking.space_id)
    assert space is not None
    return space


async def sign(
    session: AsyncSession, booking: VenueBooking, fee: Decimal | None, actor: str
) -> None:
    BOOKING.check(booking, "sign")
    fee = fee or booking.fee
    if fee is None:
        raise Invalid("a booking is signed with its venue management fee", field="fee")
    space = await _space(session, booking)
    booking.fee = fee
    booking.signed_at = utcnow()
    booking.signed_by = actor

    def signed(b: VenueBooking) -> list[Event]:
        payload = VenueBookingSigned(
            booking_id=b.id,
            reference=b.reference,
            property_id=b.property_id,
            space_id=b.space_id,
            space_code=space.code,
            organizer=b.organizer,
            start=b.start,
            end=b.end,
            fee=fee,
            actor=actor,
            at=utcnow(),
        )
        return [Event(payload, subject=b.id)]

    await BOOKING.apply(
        session,
        booking,
        "sign",
        step=lambda b: _step(b, "signed", actor, fee=f"{fee:.2f}"),
        events=signed,
    )


async def check_in(
    session: AsyncSession, booking: VenueBooking, note: str | None, actor: str
) -> None:
    BOOKING.check(booking, "check_in")
    booking.checked_in_at = utcnow()
    booking.checked_in_by = actor
    booking.check_in_note = note or None
    await BOOKING.apply(
        session, booking, "check_in", step=lambda b: _step(b, "checked_in", actor, note=note)
    )


async def check_out(
    session: AsyncSession, booking: VenueBooking, data: CheckOutIn, actor: str
) -> None:
    BOOKING.check(booking, "check_out")
    space = await _space(session, booking)
    damage = data.damage or None
    booking.checked_out_at = utcnow()
    booking.checked_out_by = actor
    booking.condition_note = data.condition_note
    booking.damaged = damage is not None
    booking.damage_description = damage

    def damaged(b: VenueBooking) -> list[Event]:
        if damage is None:
            return []
        payload = VenueDamageReported(
            booking_id=b.id,
            reference=b.reference,
            property_id=b.property_id,
            space_id=b.space_id,
            space_code=space.code,
            space_name=space.name,
            location=space.location,
            organizer=b.organizer,
            organizer_phone=b.organizer_phone,
            damage=damage,
            condition_note=b.condition_note,
            time_zone=b.time_zone,
            actor=actor,
            at=utcnow(),
        )
        return [Event(payload, subject=b.id)]

    await BOOKING.apply(
        session,
        booking,
        "check_out",
        step=lambda b: _step(
            b, "checked_out", actor, condition_note=data.condition_note, damage=damage
        ),
        events=damaged,
    )


async def cancel(session: AsyncSession, booking: VenueBooking, reason: str, actor: str) -> None:
    BOOKING.check(booking, "cancel")
    now = utcnow()
    if booking.status == SIGNED and booking.start <= now:
        local = zone(booking.time_zone)
        raise Conflict(
            f"booking {booking.reference} started at "
            f"{booking.start.astimezone(local):%Y-%m-%d %H:%M}: a signed booking is cancelled "
            "before its start",
            field="start",
        )
    was_signed = booking.status == SIGNED
    booking.cancel_reason = reason
    space = await _space(session, booking) if was_signed else None

    def cancelled(b: VenueBooking) -> list[Event]:
        if space is None:
            return []  # not signed: no fee was raised
        assert b.fee is not None
        payload = VenueBookingCancelled(
            booking_id=b.id,
            reference=b.reference,
            property_id=b.property_id,
            space_id=b.space_id,
            space_code=space.code,
            organizer=b.organizer,
            start=b.start,
            end=b.end,
            fee=b.fee,
            reason=reason,
            signed_at=b.signed_at,
            actor=actor,
            at=now,
        )
        return [Event(payload, subject=b.id)]

    await BOOKING.apply(
        session,
        booking,
        "cancel",
        step=lambda b: _step(b, "cancelled", actor, reason=reason),
        events=cancelled,
    )


async def get(session: AsyncSession, booking_id: str, principal: Principal) -> VenueBooking:
    return await get_visible(
        session, VenueBooking, booking_id, principal, noun="venue booking", field="booking_id"
    )


async def history(session: AsyncSession, booking_id: str) -> list[VenueBookingStep]:
    return list(
        (
            await session.scalars(
                select(VenueBookingStep)
                .where(VenueBookingStep.booking_id == booking_id)
                .order_by(VenueBookingStep.at, VenueBookingStep.id)
            )
        ).all()
    )


def _upcoming(value: bool) -> ColumnElement[bool]:
    live = VenueBooking.status.in_((REQUESTED, SIGNED, IN_USE))
    ahead = or_(VenueBooking.end >= utcnow(), VenueBooking.status == IN_USE)
    return and_(live, ahead) if value else ~and_(live, ahead)


LIST = ListSpec(
    filters=(
        Filter("property_id", column=VenueBooking.property_id, max_length=36),
        Filter("space_id", column=VenueBooking.space_id, max_length=36),
        Filter("status", column=VenueBooking.status, values=STATUSES),
        Filter(
            "upcoming",
            type=bool,
            where=_upcoming,
            description="only live bookings not yet over (in use ones included)",
        ),
        Filter(
            "damaged",
            type=bool,
            where=lambda v: VenueBooking.damaged.is_(bool(v)),
            description="only bookings handed back damaged (false: the others)",
        ),
    ),
    sort={"start": VenueBooking.start, "created_at": VenueBooking.created_at},
    default_sort="start",
    id_column=VenueBooking.id,
    search=contains(VenueBooking.search_text),
    search_description="words of the reference, organizer or purpose, or phone digits",
)


def list_bookings(
    principal: Principal, query: ListQuery | None = None
) -> Select[tuple[VenueBooking]]:
    stmt = scope_to_properties(select(VenueBooking), VenueBooking.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())
