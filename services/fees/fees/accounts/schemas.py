from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, field_serializer


class AccountOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    unit_id: str
    property_id: str
    property_code: str
    building: str
    unit_number: str
    balance: Decimal
    opened_at: datetime

    @field_serializer("balance")
    def _money(self, value: Decimal) -> str:
        return f"{value:.2f}"
