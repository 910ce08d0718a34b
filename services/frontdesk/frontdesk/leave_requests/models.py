"""Leave of the front desk's staff (請假) at a property: requested, then approved or refused by the
supervisor (or cancelled). Whole days, ``date_from`` to ``date_to`` inclusive."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime

LEAVE_KINDS = ("annual", "sick", "personal", "other")
LEAVE_STATES = ("requested", "approved", "refused", "cancelled")


class LeaveRequest(IdMixin, TimestampMixin, Base):
    __tablename__ = "leave_requests"
    __table_args__ = (
        CheckConstraint("date_to >= date_from", name="leave_ends_after_start"),
        Index("ix_leave_requests_user_from", "user", "date_from"),
    )

    # the property whose desk the clerk works at (required on new requests; None: a request
    # made before leave had a property, seen only by users who see every property)
    property_id: Mapped[str | None] = mapped_column(ForeignKey("properties.id"), index=True)
    user: Mapped[str] = mapped_column(String(80), nullable=False)
    date_from: Mapped[date] = mapped_column(Date, nullable=False)
    date_to: Mapped[date] = mapped_column(Date, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True, nullable=False, default="requested")
    requested_by: Mapped[str] = mapped_column(String(80), nullable=False)
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_by: Mapped[str | None] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
