"""Fee rates of a property: the management fee per m2 or per unit, from a day on."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fees.db import Base
from propops.db import IdMixin, TimestampMixin


class RateBasis(StrEnum):
    per_m2 = "per_m2"  # 按面積: the amount times the unit's floor area (m2)
    per_unit = "per_unit"  # 按單位: the amount for every unit alike


class FeeRate(IdMixin, TimestampMixin, Base):
    """A rate is never changed: a new one from a later day replaces it (the history stays)."""

    __tablename__ = "fee_rates"

    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    basis: Mapped[str] = mapped_column(String(10), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    effective_from: Mapped[date] = mapped_column(Date, nullable=False)
    created_by: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (
        UniqueConstraint("property_id", "effective_from", name="uq_fee_rates_property_from"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )
