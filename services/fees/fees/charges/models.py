"""Charges: what a unit owes (management fees, rent, paid services, ...), each with a due date."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    and_,
    or_,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from fees.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime
from propops.timezones import DEFAULT_TIME_ZONE, zones_by_today


class ChargeKind(StrEnum):
    """What a charge is for (the manual's fees, rents and billed jobs)."""

    management_fee = "management_fee"  # 管理費: the periodic management fee of a unit
    rent = "rent"  # 租金: rent of an ad space or a warehouse (leasing)
    venue_fee = "venue_fee"  # 場地管理費: the venue management fee paid with a venue contract
    paid_service = "paid_service"  # 項目計費: a billable job for a resident (an in-unit repair)
    utilities = "utilities"  # 水電費: water, electricity, gas recharged to the unit
    parking = "parking"  # 車位費: a parking space
    other = "other"  # 其他: anything else; say what in the description


class ChargeStatus(StrEnum):
    open = "open"  # nothing paid yet
    partially_paid = "partially_paid"
    paid = "paid"
    voided = "voided"  # cancelled with a reason: kept, but owes nothing


# Charges nobody owes any more: fully paid, or voided.
SETTLED = (ChargeStatus.paid.value, ChargeStatus.voided.value)
# Kinds billed once per unit and period: a second one for the same period is a 409.
ONCE_PER_PERIOD = (ChargeKind.management_fee.value, ChargeKind.rent.value)
ONCE_PER_PERIOD_INDEX = "uq_charges_once_per_period"


class Charge(IdMixin, TimestampMixin, Base):
    __tablename__ = "charges"

    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), nullable=False)
    unit_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    paid_amount: Mapped[Decimal] = mapped_column(
        Numeric(14, 2), nullable=False, default=Decimal("0.00")
    )
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=ChargeStatus.open)
    due_date: Mapped[date] = mapped_column(Date, nullable=False)
    period: Mapped[str | None] = mapped_column(String(7))
    description: Mapped[str | None] = mapped_column(String(500))
    posted_by: Mapped[str | None] = mapped_column(String(100))
    # the property's time zone (copied from the account): the day it falls overdue there
    time_zone: Mapped[str] = mapped_column(
        String(64), nullable=False, default=DEFAULT_TIME_ZONE, server_default=DEFAULT_TIME_ZONE
    )
    void_reason: Mapped[str | None] = mapped_column(Text)
    voided_by: Mapped[str | None] = mapped_column(String(100))
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the billing run that raised it (management fees and rents of a period)
    billing_run_id: Mapped[str | None] = mapped_column(String(36))
    # what raised it once only, e.g. "venue_booking:<id>": a replayed event raises nothing more
    source_ref: Mapped[str | None] = mapped_column(String(80))

    __table_args__ = (
        # the open charges of an account, oldest due first: allocation and payment status
        Index("ix_charges_account_status_due", "account_id", "status", "due_date"),
        Index("uq_charges_source_ref", "source_ref", unique=True),
        # a billing run's charges, by account (its balance update, its totals)
        Index("ix_charges_run_account", "billing_run_id", "account_id"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("paid_amount >= 0 AND paid_amount <= amount", name="paid_within_amount"),
        # one management fee (one rent) per account and period, voided ones aside
        Index(
            ONCE_PER_PERIOD_INDEX,
            "account_id",
            "kind",
            "period",
            unique=True,
            sqlite_where=text(
                "kind IN ('management_fee', 'rent') AND status <> 'voided' AND period IS NOT NULL"
            ),
            postgresql_where=text(
                "kind IN ('management_fee', 'rent') AND status <> 'voided' AND period IS NOT NULL"
            ),
        ),
    )

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid_amount

    def is_overdue(self, today: date) -> bool:
        """Unpaid (in part or whole) after its due date; due today is not overdue yet."""
        return self.status not in SETTLED and self.due_date < today


def overdue_on(today: date | None = None) -> ColumnElement[bool]:
    """``Charge.is_overdue`` as a condition of a query: unpaid and due before ``today`` (tests),
    by default before today where the unit is (the charge's time zone)."""
    unpaid = Charge.status.not_in(SETTLED)
    if today is not None:
        return and_(unpaid, Charge.due_date < today)
    return and_(
        unpaid,
        or_(
            *(
                and_(Charge.time_zone.in_(zones), Charge.due_date < day)
                for day, zones in zones_by_today().items()
            )
        ),
    )
