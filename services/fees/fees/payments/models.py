"""Payments and how each is allocated to charges; what is not allocated is the unit's credit."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fees.charges.models import Charge
from fees.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime, utcnow


class PaymentMethod(StrEnum):
    cash = "cash"  # 現金
    bank_transfer = "bank_transfer"  # 銀行轉賬
    card = "card"  # 信用卡 / 八達通 etc.
    cheque = "cheque"  # 支票
    autopay = "autopay"  # 自動轉賬
    other = "other"


class Payment(IdMixin, TimestampMixin, Base):
    __tablename__ = "payments"

    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True, nullable=False)
    unit_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    # the part not (yet) allocated to a charge: the account's credit, used by later charges
    unallocated: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    method: Mapped[str] = mapped_column(String(20), nullable=False)
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    reference: Mapped[str | None] = mapped_column(String(100))
    recorded_by: Mapped[str | None] = mapped_column(String(100))
    # 收據編號: R-<year>-<n>, gapless per property and year (fees.receipts), taken in the
    # payment's own transaction
    receipt_number: Mapped[str | None] = mapped_column(String(24))

    allocations: Mapped[list[PaymentAllocation]] = relationship(
        lazy="selectin", order_by="PaymentAllocation.allocated_at", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "unallocated >= 0 AND unallocated <= amount", name="unallocated_within_amount"
        ),
        UniqueConstraint("property_id", "receipt_number", name="uq_payments_receipt_number"),
    )


class PaymentAllocation(IdMixin, Base):
    """``amount`` of a payment settles (part of) a charge."""

    __tablename__ = "payment_allocations"

    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id"), index=True, nullable=False)
    charge_id: Mapped[str] = mapped_column(ForeignKey(Charge.id), index=True, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    allocated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)
