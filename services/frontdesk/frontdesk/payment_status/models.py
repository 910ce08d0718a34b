"""The front desk's own copy of each unit's payment status, kept from fees' events."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import UTCDateTime


class UnitPaymentStatus(Base):
    __tablename__ = "unit_payment_status"

    unit_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(36), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    balance_due: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    overdue_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    oldest_overdue_date: Mapped[date | None] = mapped_column(Date)
    as_of: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
