from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from fees.payments.models import PaymentMethod
from propops.money import MoneyIn, MoneyOut


class PaymentIn(BaseModel):
    unit_id: str = Field(min_length=1, max_length=36)
    amount: MoneyIn
    method: PaymentMethod
    paid_at: AwareDatetime | None = Field(
        default=None, description="when it was paid (with a time zone); default now, not later"
    )
    reference: str | None = Field(
        default=None, max_length=100, description="receipt, cheque or bank reference"
    )


class AllocationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    charge_id: str
    amount: MoneyOut


class PaymentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    account_id: str
    unit_id: str
    property_id: str
    amount: MoneyOut
    unallocated: MoneyOut = Field(description="the part not (yet) used by a charge: credit")
    method: PaymentMethod
    paid_at: datetime
    reference: str | None
    recorded_by: str | None
    receipt_number: str | None = Field(
        description="收據編號: sequential per property and year, no gaps (R-2026-00042)"
    )
    allocations: list[AllocationOut]
    created_at: datetime
