from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class HygieneCheckIn(BaseModel):
    area_id: str = Field(min_length=1, max_length=36)
    passed: bool
    notes: str | None = Field(
        default=None, max_length=2000, description="what was found; required when it failed"
    )


class HygieneCheckOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    property_id: str
    area_id: str
    passed: bool
    notes: str | None
    checked_by: str
    task_id: str | None = Field(description="the cleaning task a failure raised")
    task_reference: str | None
    created_at: datetime
