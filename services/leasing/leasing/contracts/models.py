"""Lease contracts (合同) of a space: draft -> signed (renewed any number of times) ->
terminated early, or a draft cancelled. A signed contract occupies its space from
``start_date`` to its last day (``terminated_on`` if ended early, else ``end_date``)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from leasing.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime, new_id, utcnow
from propops.lists import keep_search_text, search_text
from propops.timezones import DEFAULT_TIME_ZONE

DRAFT = "draft"
SIGNED = "signed"
TERMINATED = "terminated"
CANCELLED = "cancelled"
STATUSES = (DRAFT, SIGNED, TERMINATED, CANCELLED)
# contracts that hold their space for their time: they may not overlap
HOLDING = (SIGNED, TERMINATED)


class BillingCycle(StrEnum):
    monthly = "monthly"
    quarterly = "quarterly"
    once = "once"


class Contract(IdMixin, TimestampMixin, Base):
    __tablename__ = "contracts"
    __table_args__ = (
        Index("uq_contracts_reference", "property_id", "reference", unique=True),
        Index("ix_contracts_space_status", "space_id", "status"),
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
        CheckConstraint("rent > 0", name="rent_positive"),
    )

    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    space_id: Mapped[str] = mapped_column(ForeignKey("spaces.id"), nullable=False)
    negotiation_id: Mapped[str | None] = mapped_column(ForeignKey("negotiations.id"))
    # what the tenant and fees quote: LC-2026-00003 (propops.references)
    reference: Mapped[str] = mapped_column(String(20), nullable=False)
    counterparty_name: Mapped[str] = mapped_column(String(200), nullable=False)
    counterparty_company: Mapped[str | None] = mapped_column(String(200))
    counterparty_phone: Mapped[str] = mapped_column(String(40), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, index=True, nullable=False)
    rent: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    billing_cycle: Mapped[str] = mapped_column(String(20), nullable=False)
    deposit: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    status: Mapped[str] = mapped_column(String(20), index=True, nullable=False, default=DRAFT)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_by: Mapped[str | None] = mapped_column(String(120))
    terminated_on: Mapped[date | None] = mapped_column(Date)  # the last day of an early end
    termination_reason: Mapped[str | None] = mapped_column(Text)
    renewal_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    time_zone: Mapped[str] = mapped_column(String(64), nullable=False, default=DEFAULT_TIME_ZONE)
    created_by: Mapped[str] = mapped_column(String(120), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def last_day(self) -> date:
        """The last day it holds the space: the early end if terminated, else the end date."""
        return self.terminated_on or self.end_date


def last_day_column() -> ColumnElement[date]:
    """``Contract.last_day`` in a query."""
    return func.coalesce(Contract.terminated_on, Contract.end_date)


keep_search_text(
    Contract,
    lambda c: search_text(
        c.reference, c.counterparty_name, c.counterparty_company, phones=[c.counterparty_phone]
    ),
)


class ContractStep(Base):
    """One line of a contract's history (created, signed, renewed, terminated, cancelled)."""

    __tablename__ = "contract_steps"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"), index=True, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    actor: Mapped[str] = mapped_column(String(120), nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
