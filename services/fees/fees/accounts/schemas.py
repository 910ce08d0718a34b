from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from propops.money import MoneyOut


class AccountOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    unit_id: str
    property_id: str
    property_code: str
    building: str
    unit_number: str
    balance: MoneyOut
    opened_at: datetime
