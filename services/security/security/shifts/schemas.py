from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import AwareDatetime, BaseModel, Field, ValidationInfo, field_validator

from security.shifts.models import Shift

MAX_SHIFT = timedelta(hours=24)


class ShiftIn(BaseModel):
    post_id: str = Field(min_length=1, max_length=36)
    guard: str = Field(
        min_length=1, max_length=80, description="user name of a guard (a security user)"
    )
    start: AwareDatetime = Field(examples=["2026-11-27T00:00:00Z"])
    end: AwareDatetime = Field(examples=["2026-11-27T08:00:00Z"])

    @field_validator("start", "end")
    @classmethod
    def _plausible(cls, value: datetime) -> datetime:
        if not 1970 <= value.year < 2200:
            raise ValueError("must be between 1970 and 2199")
        return value

    @field_validator("end")
    @classmethod
    def _order(cls, end: datetime, info: ValidationInfo) -> datetime:
        start = info.data.get("start")
        if start is not None:
            if end <= start:
                raise ValueError("end must be after start")
            if end - start > MAX_SHIFT:
                raise ValueError("a shift lasts at most 24 hours")
        return end


class ShiftOut(BaseModel):
    id: str
    post_id: str
    property_id: str
    guard: str
    start: datetime
    end: datetime
    created_by: str | None
    created_at: datetime

    @classmethod
    def of(cls, shift: Shift) -> ShiftOut:
        return cls.model_validate(shift, from_attributes=True)
