from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from fees.charges.models import Charge, ChargeKind, ChargeStatus
from propops.money import MoneyIn, MoneyOut
from propops.timezones import today_in


class ChargeIn(BaseModel):
    unit_id: str = Field(min_length=1, max_length=36)
    kind: ChargeKind
    amount: MoneyIn
    due_date: date = Field(description="the day it must be paid by; overdue from the next day")
    period: str | None = Field(
        default=None,
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
        examples=["2026-11"],
        description="the month billed, YYYY-MM",
    )
    description: str | None = Field(default=None, max_length=500)


class VoidIn(BaseModel):
    reason: str = Field(min_length=1, max_length=1000, description="why it is voided")


class ChargeStatusFilter(StrEnum):
    open = ChargeStatus.open.value
    partially_paid = ChargeStatus.partially_paid.value
    paid = ChargeStatus.paid.value
    voided = ChargeStatus.voided.value
    unpaid = "unpaid"  # open or partially paid
    overdue = "overdue"  # unpaid and due before today


class ChargeOut(BaseModel):
    id: str
    account_id: str
    unit_id: str
    property_id: str
    kind: ChargeKind
    amount: MoneyOut
    paid_amount: MoneyOut
    outstanding: MoneyOut
    status: ChargeStatus
    overdue: bool = Field(description="unpaid and due before today (the property's time zone)")
    due_date: date
    period: str | None
    description: str | None
    posted_by: str | None
    void_reason: str | None = None
    voided_by: str | None = None
    voided_at: datetime | None = None
    created_at: datetime

    @classmethod
    def of(cls, charge: Charge, today: date | None = None) -> ChargeOut:
        """The charge as of ``today`` (default: today in its property's time zone)."""
        today = today or today_in(charge.time_zone)
        return cls(
            id=charge.id,
            account_id=charge.account_id,
            unit_id=charge.unit_id,
            property_id=charge.property_id,
            kind=ChargeKind(charge.kind),
            amount=charge.amount,
            paid_amount=charge.paid_amount,
            outstanding=charge.outstanding,
            status=ChargeStatus(charge.status),
            overdue=charge.is_overdue(today),
            due_date=charge.due_date,
            period=charge.period,
            description=charge.description,
            posted_by=charge.posted_by,
            void_reason=charge.void_reason,
            voided_by=charge.voided_by,
            voided_at=charge.voided_at,
            created_at=charge.created_at,
        )
