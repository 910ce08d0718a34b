"""Fees' copy of a lease contract's billing terms (from leasing's contract events)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from fees.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime


class LeaseContract(IdMixin, TimestampMixin, Base):
    __tablename__ = "lease_contracts"

    contract_id: Mapped[str] = mapped_column(String(36), unique=True, nullable=False)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), nullable=False)
    property_id: Mapped[str] = mapped_column(String(36), nullable=False)
    reference: Mapped[str | None] = mapped_column(String(40))
    space_id: Mapped[str] = mapped_column(String(36), nullable=False)
    space_code: Mapped[str] = mapped_column(String(60), nullable=False)
    space_kind: Mapped[str] = mapped_column(String(20), nullable=False)
    counterparty_name: Mapped[str] = mapped_column(String(200), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    rent: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    billing_cycle: Mapped[str] = mapped_column(String(10), nullable=False)
    terminated_on: Mapped[date | None] = mapped_column(Date)
    # the time of the last event applied: an older one arriving late changes nothing
    event_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (
        # the billing run: a property's contracts running in a period
        Index("ix_lease_contracts_property_dates", "property_id", "start_date", "end_date"),
    )

    @property
    def last_day(self) -> date:
        """The last day rent runs: the end date, or the termination day if earlier."""
        if self.terminated_on is not None and self.terminated_on < self.end_date:
            return self.terminated_on
        return self.end_date
