"""A unit's fee account: where its charges and payments are booked."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Date, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from fees.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime, utcnow
from propops.timezones import DEFAULT_TIME_ZONE


class AccountHolder(StrEnum):
    """Whose account it is. Charges and payments quote the account by ``unit_id``: the unit's
    id, or for a lease the contract's id, or for a venue booking the booking's id."""

    unit = "unit"  # a unit of the register (management fees)
    contract = "contract"  # a lease of an ad space or warehouse (rent)
    booking = "booking"  # a venue booking (the venue management fee)


class Account(IdMixin, TimestampMixin, Base):
    __tablename__ = "accounts"
    __table_args__ = (
        # the billing run walks a property's unit accounts in id order, a chunk at a time
        Index("ix_accounts_property_holder_id", "property_id", "holder", "id"),
    )

    # the holder's id: a unit's, a contract's or a booking's (see AccountHolder)
    unit_id: Mapped[str] = mapped_column(String(36), unique=True, nullable=False)
    holder: Mapped[str] = mapped_column(
        String(10), nullable=False, default=AccountHolder.unit, server_default="unit"
    )
    # the unit's floor area (from unit.registered): what a per-m2 fee rate multiplies
    area_m2: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    property_code: Mapped[str] = mapped_column(String(40), nullable=False)
    # a unit's building and number; a contract's or booking's space code and reference
    building: Mapped[str] = mapped_column(String(60), nullable=False)
    unit_number: Mapped[str] = mapped_column(String(40), nullable=False)
    # the property's IANA time zone (from unit.registered; else the default_time_zone setting):
    # what "today" is for the unit's due dates and the overdue sweep
    time_zone: Mapped[str] = mapped_column(
        String(64), nullable=False, default=DEFAULT_TIME_ZONE, server_default=DEFAULT_TIME_ZONE
    )
    # Everything charged minus everything paid: positive = owed, negative = credit.
    balance: Mapped[Decimal] = mapped_column(
        Numeric(14, 2), nullable=False, default=Decimal("0.00")
    )
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    # The payment status last published (propops.fees.account.status_changed.v1). A new account
    # is "current" with nothing due, as its account.opened event implies.
    published_status: Mapped[str] = mapped_column(
        String(10), nullable=False, default="current", server_default="current"
    )
    published_balance_due: Mapped[Decimal] = mapped_column(
        Numeric(14, 2), nullable=False, default=Decimal("0.00"), server_default="0"
    )
    published_overdue_amount: Mapped[Decimal] = mapped_column(
        Numeric(14, 2), nullable=False, default=Decimal("0.00"), server_default="0"
    )
    published_oldest_overdue_date: Mapped[date | None] = mapped_column(Date)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The first day on which time alone changes the status (the day after the earliest unpaid
    # charge that is not overdue yet falls due); the sweep looks only at accounts whose day
    # has come. None: nothing unpaid is waiting to fall overdue.
    status_review_on: Mapped[date | None] = mapped_column(Date, index=True)
