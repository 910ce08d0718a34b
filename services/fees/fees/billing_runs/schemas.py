from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from fees.billing_runs.models import RunPhase, RunStatus
from fees.rates.models import RateBasis
from propops.money import MoneyOut

PERIOD = r"^20\d{2}-(0[1-9]|1[0-2])$"  # a month of 2000-2099


class BillingRunIn(BaseModel):
    property_id: str = Field(min_length=1, max_length=36)
    period: str = Field(
        pattern=PERIOD, examples=["2026-11"], description="the month, YYYY-MM (2000-2099)"
    )
    due_date: date | None = Field(
        default=None, description="when its charges are due; default the period's last day"
    )


class BillingRunOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    property_id: str
    period: str
    status: RunStatus
    phase: RunPhase
    due_date: date
    rate_id: str
    rate_basis: RateBasis
    rate_amount: MoneyOut
    units_total: int = Field(description="unit accounts of the property when the run started")
    units_done: int = Field(description="unit accounts looked at so far")
    units_skipped: int = Field(
        description="units not charged: charged already for the period, or no floor area for "
        "a per-m2 rate"
    )
    management_fee_count: int
    management_fee_total: MoneyOut
    rent_count: int
    rent_total: MoneyOut
    total: MoneyOut = Field(description="the sum of the charges the run raised")
    progress: float = Field(description="0 to 1: unit accounts done over units_total")
    started_by: str | None
    started_at: datetime
    completed_at: datetime | None
