from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from propops.money import MoneyOut


class Buckets(BaseModel):
    """The overdue amount by how long each charge has been overdue (days after its due date)."""

    d0_30: MoneyOut = Field(description="0-30 days overdue")
    d31_60: MoneyOut = Field(description="31-60 days overdue")
    d61_90: MoneyOut = Field(description="61-90 days overdue")
    d90_plus: MoneyOut = Field(description="more than 90 days overdue")


class UnitArrears(BaseModel):
    unit_id: str
    account_id: str
    property_id: str
    property_code: str
    building: str
    unit_number: str
    amount: MoneyOut = Field(description="the unpaid part of its overdue charges")
    oldest_due_date: date
    days_overdue: int = Field(description="days since the oldest overdue charge fell due")
    buckets: Buckets


class ArrearsOut(BaseModel):
    """Units in arrears, largest amount first, with the totals of every unit that matched."""

    items: list[UnitArrears]
    total: int = Field(description="how many units matched")
    limit: int
    offset: int
    amount: MoneyOut = Field(description="the overdue total of every unit that matched")
    buckets: Buckets = Field(description="the buckets' totals over every unit that matched")
    as_of: datetime
