"""Venue bookings (場地): a venue let for a few hours or days, signed (the venue management fee
paid at signing), then its use supervised: check-in, check-out with the venue's condition."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from leasing.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime, new_id, utcnow
from propops.lists import keep_search_text, search_text
from propops.timezones import DEFAULT_TIME_ZONE

REQUESTED = "requested"
SIGNED = "signed"
IN_USE = "in_use"
COMPLETED = "completed"
CANCELLED = "cancelled"
STATUSES = (REQUESTED, SIGNED, IN_USE, COMPLETED, CANCELLED)
# bookings that hold the venue for their time: two of them may not overlap
HOLDING = (REQUESTED, SIGNED, IN_USE, COMPLETED)


class VenueBooking(IdMixin, TimestampMixin, Base):
    __tablename__ = "venue_bookings"
    __table_args__ = (
        Index("uq_venue_bookings_reference", "property_id", "reference", unique=True),
        Index("ix_venue_bookings_space_start", "space_id", "start"),
        CheckConstraint('"end" > start', name="times_in_order"),
    )

    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    space_id: Mapped[str] = mapped_column(ForeignKey("spaces.id"), nullable=False)
    # what the organizer quotes: VB-2026-00012 (propops.references)
    reference: Mapped[str] = mapped_column(String(20), nullable=False)
    start: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    end: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    organizer: Mapped[str] = mapped_column(String(200), nullable=False)
    organizer_phone: Mapped[str | None] = mapped_column(String(40))
    purpose: Mapped[str] = mapped_column(Text, nullable=False)
    fee: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    status: Mapped[str] = mapped_column(String(20), index=True, nullable=False, default=REQUESTED)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_by: Mapped[str | None] = mapped_column(String(120))
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_by: Mapped[str | None] = mapped_column(String(120))
    check_in_note: Mapped[str | None] = mapped_column(Text)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_out_by: Mapped[str | None] = mapped_column(String(120))
    condition_note: Mapped[str | None] = mapped_column(Text)
    damaged: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    damage_description: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    time_zone: Mapped[str] = mapped_column(String(64), nullable=False, default=DEFAULT_TIME_ZONE)
    created_by: Mapped[str] = mapped_column(String(120), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


keep_search_text(
    VenueBooking,
    lambda b: search_text(b.reference, b.organizer, b.purpose, phones=[b.organizer_phone]),
)


class VenueBookingStep(Base):
    """One line of a booking's history (booked, signed, checked in, checked out, cancelled)."""

    __tablename__ = "venue_booking_steps"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    booking_id: Mapped[str] = mapped_column(
        ForeignKey("venue_bookings.id"), index=True, nullable=False
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    actor: Mapped[str] = mapped_column(String(120), nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
