"""Charges: what a unit owes (management fees, rent, paid services, ...), each with a due date."""

from __future__ import annotations

from datetime import date
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
    and_,
)
from sqlalchemy.orm import Mapped, mapped_column

from fees.db import Base
from propops.db import IdMixin, TimestampMixin


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

    __table_args__ = (
        # the open charges of an account, oldest due first: allocation and payment status
        Index("ix_charges_account_status_due", "account_id", "status", "due_date"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("paid_amount >= 0 AND paid_amount <= amount", name="paid_within_amount"),
    )

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid_amount

    def is_overdue(self, today: date) -> bool:
        """Unpaid (in part or whole) after its due date; due today is not overdue yet."""
        return self.status != ChargeStatus.paid and self.due_date < today


def overdue_on(today: date) -> ColumnElement[bool]:
    """``Charge.is_overdue`` as a condition of a query."""
    return and_(Charge.status != ChargeStatus.paid.value, Charge.due_date < today)
