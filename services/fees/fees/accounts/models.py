"""A unit's fee account: where its charges and payments will be booked."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from fees.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime, utcnow


class Account(IdMixin, TimestampMixin, Base):
    __tablename__ = "accounts"

    unit_id: Mapped[str] = mapped_column(String(36), unique=True, nullable=False)
    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    property_code: Mapped[str] = mapped_column(String(40), nullable=False)
    building: Mapped[str] = mapped_column(String(60), nullable=False)
    unit_number: Mapped[str] = mapped_column(String(40), nullable=False)
    balance: Mapped[Decimal] = mapped_column(
        Numeric(14, 2), nullable=False, default=Decimal("0.00")
    )
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
