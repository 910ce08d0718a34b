"""Collection (追收欠款, DOMAIN §5): a case per unit in arrears, with the attempts to reach the
owner (door or phone), appointments, promises to pay and the owner's raised opinions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    select,
    text,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column

from fees.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime, utcnow

OPEN, CLOSED = "open", "closed"
# a promise to pay: pending until kept (the payments recorded after it reach its amount by its
# date) or broken (its date passed without that)
PENDING, KEPT, BROKEN = "pending", "kept", "broken"
PROMISE_STATUSES = (PENDING, KEPT, BROKEN)


class CollectionCase(IdMixin, TimestampMixin, Base):
    __tablename__ = "collection_cases"

    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True, nullable=False)
    unit_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=OPEN)
    # the overdue amount when the case was opened
    opening_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    opened_by: Mapped[str] = mapped_column(String(100), nullable=False)
    closed_reason: Mapped[str | None] = mapped_column(String(20))  # paid | withdrawn
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # every step bumps it: a step is a change of the case (its version moves)
    step_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        # at most one open case per unit
        Index(
            "uq_collection_cases_open_unit",
            "unit_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )


class CaseStep(IdMixin, Base):
    """The case's history: opened, attempt, appointment, promise, opinion, closed."""

    __tablename__ = "collection_case_steps"

    case_id: Mapped[str] = mapped_column(ForeignKey("collection_cases.id"), index=True)
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    actor: Mapped[str] = mapped_column(String(100), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)


class Attempt(IdMixin, Base):
    __tablename__ = "collection_attempts"

    case_id: Mapped[str] = mapped_column(ForeignKey("collection_cases.id"), index=True)
    method: Mapped[str] = mapped_column(String(10), nullable=False)  # door | phone
    reached: Mapped[bool] = mapped_column(Boolean, nullable=False)
    spoke_to: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(500), nullable=False)
    notes: Mapped[str | None] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(100), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class Appointment(IdMixin, Base):
    __tablename__ = "collection_appointments"

    case_id: Mapped[str] = mapped_column(ForeignKey("collection_cases.id"), index=True)
    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True, nullable=False)
    place: Mapped[str] = mapped_column(String(300), nullable=False)
    notes: Mapped[str | None] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(100), nullable=False)


class Promise(IdMixin, Base):
    __tablename__ = "collection_promises"
    __table_args__ = (Index("ix_collection_promises_status_pay_by", "status", "pay_by"),)

    case_id: Mapped[str] = mapped_column(ForeignKey("collection_cases.id"), index=True)
    pay_by: Mapped[date] = mapped_column(Date, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    by: Mapped[str] = mapped_column(String(100), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    # pending | kept | broken; moved once, by a conditional UPDATE (fees.collection.promises)
    status: Mapped[str] = mapped_column(
        String(10), nullable=False, default=PENDING, server_default=PENDING
    )
    # paid towards it (payments recorded after it, paid by its date) when it was decided
    paid: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# the case's latest promise's status, for the case list (None: no promise)
CollectionCase.promise_status = column_property(  # type: ignore[attr-defined]
    select(Promise.status)
    .where(Promise.case_id == CollectionCase.id)
    .order_by(Promise.at.desc(), Promise.id.desc())
    .limit(1)
    .correlate_except(Promise)
    .scalar_subquery()
)


class Opinion(IdMixin, Base):
    """An opinion the owner raised (a complaint about the charge, the service, ...): recorded,
    and sent to the front desk as a complaint when asked; the debt is not paused."""

    __tablename__ = "collection_opinions"

    case_id: Mapped[str] = mapped_column(ForeignKey("collection_cases.id"), index=True)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    raise_complaint: Mapped[bool] = mapped_column(Boolean, nullable=False)
    by: Mapped[str] = mapped_column(String(100), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
