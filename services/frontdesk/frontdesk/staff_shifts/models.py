"""The front desk's own roster (客服排班): its staff on shifts at the desk's posts (reception,
lobby counter...), a post being a free code per property like the handovers' posts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime

STAFF_SHIFT_STATES = ("scheduled", "on_duty", "done", "cancelled")


class StaffShift(IdMixin, TimestampMixin, Base):
    __tablename__ = "staff_shifts"
    __table_args__ = (
        CheckConstraint('"end" > start', name="staff_shift_ends_after_start"),
        Index("ix_staff_shifts_user_start", "user", "start"),
        Index("ix_staff_shifts_property_day", "property_id", "day"),
    )

    property_id: Mapped[str] = mapped_column(
        ForeignKey("properties.id"), index=True, nullable=False
    )
    post: Mapped[str] = mapped_column(String(60), nullable=False)
    user: Mapped[str] = mapped_column(String(80), nullable=False)  # a directory user name
    start: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    end: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)  # the start's day at the property
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="scheduled")
    clocked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clocked_in_by: Mapped[str | None] = mapped_column(String(80))
    clocked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clocked_out_by: Mapped[str | None] = mapped_column(String(80))
    # the approved leave of the user that leaves this shift without anyone, until reassigned
    uncovered_leave_id: Mapped[str | None] = mapped_column(String(36), index=True)
    cancelled_by: Mapped[str | None] = mapped_column(String(80))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class StaffLock(Base):
    """One row per member of staff, written first by every roster or leave change about them:
    the changes of one person take turns (``propops.roster.take_turns``)."""

    __tablename__ = "staff_locks"

    user: Mapped[str] = mapped_column(String(80), primary_key=True)
    changes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
