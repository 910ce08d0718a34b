from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from fees.rates.models import RateBasis
from propops.money import MoneyIn, MoneyOut


class FeeRateIn(BaseModel):
    property_id: str = Field(min_length=1, max_length=36)
    basis: RateBasis = Field(description="per_m2: amount x the unit's area; per_unit: amount")
    amount: MoneyIn = Field(description="a month's management fee per m2 or per unit")
    effective_from: date = Field(description="the first day it applies (until the next rate)")


class FeeRateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    property_id: str
    basis: RateBasis
    amount: MoneyOut
    effective_from: date
    created_by: str | None
    created_at: datetime
