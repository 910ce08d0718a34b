from __future__ import annotations

import datetime as dt
from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from propops.money import MoneyIn, MoneyOut


class Method(StrEnum):
    door = "door"  # 上門
    phone = "phone"  # 電話


class CaseIn(BaseModel):
    unit_id: str = Field(min_length=1, max_length=36)


class AttemptIn(BaseModel):
    method: Method
    reached: bool = Field(description="whether anyone was reached")
    spoke_to: str | None = Field(default=None, max_length=200)
    outcome: str = Field(min_length=1, max_length=500)
    notes: str | None = Field(default=None, max_length=4000)
    version: int | None = Field(default=None, ge=1, le=2**31 - 1)


class AppointmentIn(BaseModel):
    at: AwareDatetime
    place: str = Field(min_length=1, max_length=300)
    notes: str | None = Field(default=None, max_length=4000)
    version: int | None = Field(default=None, ge=1, le=2**31 - 1)


class PromiseIn(BaseModel):
    date: dt.date = Field(description="the day the owner promised to pay by")
    amount: MoneyIn
    version: int | None = Field(default=None, ge=1, le=2**31 - 1)


class OpinionIn(BaseModel):
    text: str = Field(min_length=1, max_length=4000)
    raise_complaint: bool = Field(
        default=False, description="also record it as a complaint at the front desk"
    )
    version: int | None = Field(default=None, ge=1, le=2**31 - 1)


class AttemptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    method: Method
    reached: bool
    spoke_to: str | None
    outcome: str
    notes: str | None
    by: str
    at: datetime


class AppointmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    case_id: str
    property_id: str
    at: datetime
    place: str
    notes: str | None
    by: str


class PromiseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    date: dt.date = Field(validation_alias="pay_by")
    amount: MoneyOut
    by: str
    at: datetime
    status: str = Field(
        description="pending | kept (the payments recorded after it reached the amount by the "
        "date) | broken (the date passed without that)"
    )
    paid: MoneyOut | None = Field(description="paid towards it when it was decided")
    decided_at: datetime | None


class OpinionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    text: str
    raise_complaint: bool
    by: str
    at: datetime


class StepOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    action: str
    status: str
    actor: str
    at: datetime
    note: str | None


class CaseSummaryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    property_id: str
    account_id: str
    unit_id: str
    status: str
    opening_amount: MoneyOut
    opened_by: str
    closed_reason: str | None
    closed_at: datetime | None
    created_at: datetime
    version: int
    promise_status: str | None = Field(
        description="the status of the case's latest promise to pay (none: no promise)"
    )


class CaseOut(CaseSummaryOut):
    attempts: list[AttemptOut]
    appointments: list[AppointmentOut]
    promises: list[PromiseOut]
    opinions: list[OpinionOut]
    history: list[StepOut]
