"""The gate's own view (保安部 · gate): visitors expected and on site, release passes to check,
kept from the front desk's events; entries, exits and checks are recorded here."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from propops.db import TimestampMixin, UTCDateTime
from security.db import Base


class GateVisitor(TimestampMixin, Base):
    __tablename__ = "gate_visitors"

    visit_id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the desk's visit
    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    reference: Mapped[str | None] = mapped_column(String(24), index=True)
    visitor_name: Mapped[str] = mapped_column(String(200), nullable=False)
    id_number_masked: Mapped[str | None] = mapped_column(String(60))
    purpose: Mapped[str] = mapped_column(Text, nullable=False)
    host_unit_label: Mapped[str | None] = mapped_column(String(120))
    host_department: Mapped[str | None] = mapped_column(String(20))
    expected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    visit_date: Mapped[date | None] = mapped_column(Date, index=True)
    identity_confirmed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    document_kind: Mapped[str | None] = mapped_column(String(20))  # seen by the guard at entry
    status: Mapped[str] = mapped_column(String(20), index=True, nullable=False)
    entered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    entered_by: Mapped[str | None] = mapped_column(String(120))
    exited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    exited_by: Mapped[str | None] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class GatePass(TimestampMixin, Base):
    __tablename__ = "gate_release_passes"

    pass_id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the desk's pass
    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    reference: Mapped[str | None] = mapped_column(String(24), index=True)
    unit_label: Mapped[str | None] = mapped_column(String(120))
    requester_name: Mapped[str] = mapped_column(String(200), nullable=False)
    requester_role: Mapped[str | None] = mapped_column(String(20))
    items: Mapped[list] = mapped_column(JSON, nullable=False)  # type: ignore[type-arg]
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    payment_status: Mapped[str | None] = mapped_column(String(20))
    override_reason: Mapped[str | None] = mapped_column(Text)
    owner_confirmed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    status: Mapped[str] = mapped_column(String(20), index=True, nullable=False)
    items_match: Mapped[bool | None] = mapped_column(Boolean)
    notes: Mapped[str | None] = mapped_column(Text)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_by: Mapped[str | None] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
