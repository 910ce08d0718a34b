"""Meeting service (會議服務): rooms, their bookings and each booking's preparation checklist."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime
from propops.lists import keep_search_text, search_text

# booked -> closed (keys returned at the close) | awaiting_keys -> closed; booked -> cancelled
BOOKING_STATES = ("booked", "awaiting_keys", "closed", "cancelled")
# the states that hold the room's time (a cancelled booking frees it)
HOLDING_STATES = ("booked", "awaiting_keys", "closed")


class MeetingRoom(IdMixin, TimestampMixin, Base):
    __tablename__ = "meeting_rooms"
    __table_args__ = (UniqueConstraint("property_id", "name", name="uq_meeting_rooms_name"),)

    property_id: Mapped[str] = mapped_column(
        ForeignKey("properties.id"), index=True, nullable=False
    )
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    capacity: Mapped[int] = mapped_column(Integer, nullable=False)
    equipment: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # bumped by every booking of the room, first thing in its transaction: the row lock
    # (PostgreSQL) or the write lock (SQLite) makes bookings of one room take turns, so the
    # overlap check sees every booking committed before it
    booking_turn: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class MeetingBooking(IdMixin, TimestampMixin, Base):
    __tablename__ = "meeting_bookings"
    __table_args__ = (
        Index("uq_meeting_bookings_reference", "property_id", "reference", unique=True),
        Index("ix_meeting_bookings_room_time", "room_id", "start_at", "end_at"),
    )

    property_id: Mapped[str] = mapped_column(
        ForeignKey("properties.id"), index=True, nullable=False
    )
    room_id: Mapped[str] = mapped_column(ForeignKey("meeting_rooms.id"), nullable=False)
    # what an organizer reads over the phone: M-2026-00007 (propops.references)
    reference: Mapped[str] = mapped_column(String(20), nullable=False)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    # the start's calendar day at the property (its time zone): the day view's filter
    day: Mapped[date] = mapped_column(Date, index=True, nullable=False)
    organizer: Mapped[str] = mapped_column(String(200), nullable=False)
    attendees: Mapped[int] = mapped_column(Integer, nullable=False)
    services: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True, nullable=False, default="booked")
    booked_by: Mapped[str] = mapped_column(String(120), nullable=False)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # the close (cleanup after the meeting)
    closed_by: Mapped[str | None] = mapped_column(String(120))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    equipment_complete: Mapped[bool | None] = mapped_column(Boolean)
    missing_items: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    power_off: Mapped[bool | None] = mapped_column(Boolean)
    keys_returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    keys_returned_to: Mapped[str | None] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


keep_search_text(MeetingBooking, lambda b: search_text(b.reference, b.organizer, b.notes))


class ChecklistItem(IdMixin, Base):
    """One thing to prepare before the meeting: a service asked for (tea) or the room's
    equipment to check (projector). Ticked by an action on the booking."""

    __tablename__ = "meeting_checklist_items"

    booking_id: Mapped[str] = mapped_column(
        ForeignKey("meeting_bookings.id"), index=True, nullable=False
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # service | equipment
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by: Mapped[str | None] = mapped_column(String(120))


class BookingStep(IdMixin, Base):
    """The booking's history: booked, ticked, cancelled, closed, keys returned."""

    __tablename__ = "meeting_booking_steps"

    booking_id: Mapped[str] = mapped_column(
        ForeignKey("meeting_bookings.id"), index=True, nullable=False
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    actor: Mapped[str] = mapped_column(String(120), nullable=False)
    details: Mapped[dict[str, object]] = mapped_column(JSON, nullable=False, default=dict)
