"""A property's billing run for a month: one per property and period."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Date, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fees.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime, utcnow


class RunStatus(StrEnum):
    running = "running"
    completed = "completed"


class RunPhase(StrEnum):
    """Where a run is: management fees (a chunk of unit accounts at a time, from ``cursor``),
    then rents, then the totals and the summary event."""

    management = "management"
    rent = "rent"
    totals = "totals"
    done = "done"


class BillingRun(IdMixin, TimestampMixin, Base):
    __tablename__ = "billing_runs"

    property_id: Mapped[str] = mapped_column(String(36), nullable=False)
    period: Mapped[str] = mapped_column(String(7), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=RunStatus.running)
    phase: Mapped[str] = mapped_column(String(10), nullable=False, default=RunPhase.management)
    due_date: Mapped[date] = mapped_column(Date, nullable=False)
    # the rate in force on the period's first day, as it was used
    rate_id: Mapped[str] = mapped_column(String(36), nullable=False)
    rate_basis: Mapped[str] = mapped_column(String(10), nullable=False)
    rate_amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    # the last unit account done (accounts are walked in id order): where a restart resumes
    cursor: Mapped[str | None] = mapped_column(String(36))
    units_total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    units_done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    units_skipped: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    management_fee_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    management_fee_total: Mapped[Decimal] = mapped_column(
        Numeric(16, 2), nullable=False, default=Decimal("0.00")
    )
    rent_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rent_total: Mapped[Decimal] = mapped_column(
        Numeric(16, 2), nullable=False, default=Decimal("0.00")
    )
    total: Mapped[Decimal] = mapped_column(Numeric(16, 2), nullable=False, default=Decimal("0.00"))
    started_by: Mapped[str | None] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # when a worker last moved it on: a running run untouched for a while is resumed by the job
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (UniqueConstraint("property_id", "period", name="uq_billing_runs_period"),)

    @property
    def progress(self) -> float:
        if self.status == RunStatus.completed:
            return 1.0
        return min(self.units_done / self.units_total, 1.0) if self.units_total else 0.0
