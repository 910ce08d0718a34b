from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, Field

from propops.money import MoneyOut


class LineKind(StrEnum):
    charge = "charge"
    payment = "payment"


class StatementLine(BaseModel):
    date: dt.date = Field(description="a charge's due date; a payment's day in the unit's zone")
    kind: LineKind
    id: str = Field(description="the charge's or the payment's id")
    description: str = Field(
        description="a charge's description (or kind); a payment's method code, e.g. cash "
        "(the PDF prints it as the receipt does, 現金 Cash)"
    )
    reference: str | None = Field(description="a charge's period, a payment's receipt number")
    debit: MoneyOut | None = Field(description="charged")
    credit: MoneyOut | None = Field(description="paid")
    balance: MoneyOut = Field(description="the running balance after this line (owed > 0)")


class StatementOut(BaseModel):
    unit_id: str
    account_id: str
    property_id: str
    property_code: str
    building: str
    unit_number: str
    from_date: dt.date = Field(serialization_alias="from")
    to_date: dt.date = Field(serialization_alias="to")
    opening_balance: MoneyOut = Field(description="owed before the first day (credit < 0)")
    charges_total: MoneyOut
    payments_total: MoneyOut
    closing_balance: MoneyOut = Field(description="opening + charges - payments")
    lines: list[StatementLine]
