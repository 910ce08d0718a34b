from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from leasing.text import Name, Note, Notes, VersionIn


class PlacementIn(BaseModel):
    space_id: str = Field(min_length=1, max_length=36, description="a space of kind ad_space")
    contract_id: str | None = Field(
        default=None, min_length=1, max_length=36, description="the space's contract it runs under"
    )
    advertiser: Name
    artwork: Note = Field(description="what the ad shows (a description of the artwork)")
    starts_on: date = Field(description="the first day it is up")
    ends_on: date = Field(description="the last day it is up (it expires after)")


class ReviewIn(VersionIn):
    note: Notes | None = None


class RejectIn(VersionIn):
    note: Note = Field(description="why it is rejected")


class PlacementStepOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    action: str
    status: str
    details: dict[str, Any]


class PlacementOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    property_id: str
    space_id: str
    contract_id: str | None
    advertiser: str
    artwork: str
    starts_on: date
    ends_on: date
    status: str = Field(description="pending | approved | rejected")
    expired: bool = Field(description="its last day is past (today where the space is)")
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_note: str | None
    created_by: str
    created_at: datetime
    version: int


class PlacementDetail(PlacementOut):
    history: list[PlacementStepOut]
