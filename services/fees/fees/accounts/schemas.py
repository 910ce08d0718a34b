from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from fees.accounts.models import AccountHolder
from propops.money import MoneyOut


class AccountOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    unit_id: str = Field(description="the holder's id: a unit's, a contract's or a booking's")
    holder: AccountHolder
    area_m2: Decimal | None = Field(description="a unit's floor area (per-m2 fee rates)")
    property_id: str
    property_code: str
    building: str
    unit_number: str
    balance: MoneyOut
    opened_at: datetime
