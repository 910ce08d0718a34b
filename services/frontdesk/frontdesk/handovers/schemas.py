from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

Item = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class HandoverIn(BaseModel):
    property_id: str = Field(min_length=1, max_length=36)
    post: str = Field(
        min_length=1, max_length=60, pattern=r"\S", examples=["lobby"], description="崗位"
    )
    shift_end: AwareDatetime
    notes: str = Field(default="", max_length=4000)
    open_items: list[Item] | None = Field(
        default=None,
        max_length=100,
        description="what the successor must see to; absent: the previous handover's open "
        "items of this post, carried over as they were",
    )


class HandoverOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    property_id: str
    post: str
    shift_end: datetime
    notes: str
    open_items: list[str]
    previous_id: str | None
    carried_over: list[str]
    status: str
    written_by: str
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    acknowledge_note: str | None
    version: int
    created_at: datetime


class CarryOverOut(BaseModel):
    """What the next handover of a post starts from."""

    previous_id: str | None
    previous_written_by: str | None
    previous_status: str | None
    open_items: list[str]


class AcknowledgeIn(BaseModel):
    note: str | None = Field(default=None, max_length=2000)
