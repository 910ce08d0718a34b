from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from propops.roster import ShiftTimes
from security.shifts.models import Shift


class ShiftIn(ShiftTimes):
    post_id: str = Field(min_length=1, max_length=36)
    guard: str = Field(
        min_length=1, max_length=80, description="user name of a guard (a security user)"
    )


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
