from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from frontdesk.complaints.schemas import Channel
from propops.masking import mask_phone


class CallIn(BaseModel):
    property_id: str = Field(min_length=1, max_length=36)
    caller_name: str = Field(min_length=1, max_length=200)
    phone: str = Field(min_length=3, max_length=40, pattern=r"^\+?[0-9][0-9 ()-]*$")
    party_id: str | None = Field(default=None, max_length=36)
    unit_id: str | None = Field(default=None, max_length=36)
    summary: str = Field(min_length=1, max_length=4000)
    answered_on_call: bool


class FollowUpIn(BaseModel):
    notes: str = Field(min_length=1, max_length=4000)


class CallToComplaintIn(BaseModel):
    description: str | None = Field(
        default=None, max_length=4000, description="defaults to the call's summary"
    )
    location: str | None = Field(default=None, max_length=300)
    channel: Channel = "phone"


class CallOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    property_id: str
    caller_name: str
    phone: str
    party_id: str | None
    unit_id: str | None
    summary: str
    answered_on_call: bool
    status: str
    taken_by: str
    follow_up_notes: str | None
    followed_up_by: str | None
    followed_up_at: datetime | None
    complaint_id: str | None
    created_at: datetime

    @classmethod
    def masked(cls, call: object) -> CallOut:
        out = cls.model_validate(call)
        return out.model_copy(update={"phone": mask_phone(out.phone)})
