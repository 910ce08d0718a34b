from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from leasing.artwork.schemas import ArtworkOut
from leasing.text import Name, Note, Notes, VersionIn


class PlacementIn(BaseModel):
    space_id: str = Field(min_length=1, max_length=36, description="a space of kind ad_space")
    contract_id: str | None = Field(
        default=None, min_length=1, max_length=36, description="the space's contract it runs under"
    )
    advertiser: Name
    artwork: Note = Field(description="what the ad shows (a description of the artwork)")
    artwork_document_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=36,
        description="the artwork's file: an active artwork document of the front desk's "
        "archive, of the ad space's property (GET /v1/artwork-documents)",
    )
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
    artwork_document: ArtworkOut | None = Field(
        description="the artwork's file in the front desk's archive, as leasing knows it"
    )
    artwork_archived: bool = Field(
        description="the artwork document was archived at the front desk since: the ad is flagged"
    )
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
