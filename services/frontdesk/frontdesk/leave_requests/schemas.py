from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

MAX_LEAVE = timedelta(days=366)


class LeaveIn(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    property_id: str = Field(
        min_length=1, max_length=36, description="the property whose desk the clerk works at"
    )
    user: str = Field(
        min_length=1, max_length=80, description="user name of an active front-desk user"
    )
    date_from: date = Field(alias="from", description="first day of leave")
    date_to: date = Field(alias="to", description="last day of leave (inclusive)")
    kind: Literal["annual", "sick", "personal", "other"]
    reason: str | None = Field(default=None, max_length=2000)

    @field_validator("date_from", "date_to")
    @classmethod
    def _plausible(cls, day: date) -> date:
        if not 1970 <= day.year < 2200:
            raise ValueError("must be between 1970 and 2199")
        return day

    @field_validator("date_to")
    @classmethod
    def _order(cls, day: date, info: ValidationInfo) -> date:
        start = info.data.get("date_from")
        if start is not None:
            if day < start:
                raise ValueError("to must not be before from")
            if day - start > MAX_LEAVE:
                raise ValueError("a leave request covers at most a year")
        return day


class DecideIn(BaseModel):
    version: int | None = Field(default=None, description="or If-Match")


class RefuseIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, pattern=r"\S")
    version: int | None = Field(default=None, description="or If-Match")


class LeaveOut(BaseModel):
    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    id: str
    property_id: str | None = Field(description="none: a request made before leave had one")
    user: str
    date_from: date = Field(serialization_alias="from")
    date_to: date = Field(serialization_alias="to")
    kind: str
    reason: str | None
    status: str
    requested_by: str
    decided_by: str | None
    decided_at: datetime | None
    refusal_reason: str | None
    cancelled_by: str | None
    created_at: datetime
    version: int
