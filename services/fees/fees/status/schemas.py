from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from propops.money import MoneyOut


class AccountStatusOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    unit_id: str
    account_id: str
    property_id: str
    status: Literal["current", "arrears"] = Field(description="arrears: something is overdue")
    balance_due: MoneyOut = Field(description="unpaid charges minus credit, never negative")
    overdue_amount: MoneyOut = Field(description="the unpaid part of charges due before today")
    oldest_overdue_date: date | None = Field(description="due date of the oldest overdue charge")
    credit: MoneyOut = Field(description="paid and not yet used by a charge")
    as_of: datetime
