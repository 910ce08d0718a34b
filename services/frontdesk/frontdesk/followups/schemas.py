from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class FollowUpOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    property_id: str
    kind: str
    source: str
    source_id: str
    source_reference: str | None
    description: str
    items: list[str]
    status: str
    raised_by: str
    resolved_by: str | None
    resolved_at: datetime | None
    resolution: str | None
    version: int
    created_at: datetime


class ResolveIn(BaseModel):
    resolution: str = Field(min_length=1, max_length=2000, description="what was done")
