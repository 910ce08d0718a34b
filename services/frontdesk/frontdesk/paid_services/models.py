"""Paid services (項目計費): a price list per property, and billable jobs for a resident quoted
from it, done by engineering, signed for by the resident and charged by fees."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime

# quoted -> accepted -> completed (engineering's work order done) -> signed_off; cancelled
STATUSES = ("quoted", "accepted", "completed", "signed_off", "cancelled")
REFERENCE_PREFIX = "PS"


class PaidServiceItem(IdMixin, TimestampMixin, Base):
    """One line of a property's price list, e.g. "Replace a tap washer", 120.00 per job."""

    __tablename__ = "paid_service_items"
    __table_args__ = (UniqueConstraint("property_id", "code", name="uq_paid_service_items_code"),)

    property_id: Mapped[str] = mapped_column(
        ForeignKey("properties.id"), index=True, nullable=False
    )
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class PaidService(IdMixin, TimestampMixin, Base):
    """A quote for a unit's resident, then the job: its lines are priced when quoted (a later
    price change does not touch it) and the quoted total is what fees charges."""

    __tablename__ = "paid_services"

    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True, nullable=False)
    party_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), index=True, nullable=False)
    reference: Mapped[str] = mapped_column(String(20), index=True, nullable=False)
    # [{item_code, name, quantity, unit_price, amount}] with amounts as decimal strings
    lines: Mapped[list[dict[str, str]]] = mapped_column(JSON, nullable=False)
    total: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True, nullable=False, default="quoted")
    quoted_by: Mapped[str | None] = mapped_column(String(120))
    accepted_by: Mapped[str | None] = mapped_column(String(120))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    work_order_id: Mapped[str | None] = mapped_column(String(36))
    work_order_reference: Mapped[str | None] = mapped_column(String(20))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completion_notes: Mapped[str | None] = mapped_column(Text)
    signed_by_party_id: Mapped[str | None] = mapped_column(String(36))
    satisfied: Mapped[bool | None] = mapped_column(Boolean)
    sign_off_comment: Mapped[str | None] = mapped_column(Text)
    signed_off_by: Mapped[str | None] = mapped_column(String(120))
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by: Mapped[str | None] = mapped_column(String(120))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class PaidServiceStep(IdMixin, Base):
    """A paid service's history: quoted, accepted, work order made, completed, signed off."""

    __tablename__ = "paid_service_steps"

    paid_service_id: Mapped[str] = mapped_column(
        ForeignKey("paid_services.id"), index=True, nullable=False
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    actor: Mapped[str | None] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(30), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
