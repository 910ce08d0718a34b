from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from propops.money import MoneyOut


class UnitInArrears(BaseModel):
    unit_id: str
    property_id: str
    building: str
    unit_number: str
    overdue_amount: MoneyOut
    oldest_overdue_date: date


class ArrearsReport(BaseModel):
    """Units in arrears (something unpaid after its due date) as of today (UTC)."""

    property_id: str | None
    units_in_arrears: int
    overdue_total: MoneyOut = Field(description="the unpaid part of every overdue charge")
    units: list[UnitInArrears] = Field(description="largest overdue first, at most 'limit'")
    as_of: datetime
