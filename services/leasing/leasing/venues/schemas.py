from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from leasing.text import Name, Note, Notes, Phone, VersionIn
from propops.money import MoneyIn, MoneyOut


class BookingIn(BaseModel):
    space_id: str = Field(min_length=1, max_length=36, description="a space of kind venue")
    start: AwareDatetime = Field(description="when the use begins (with its offset)")
    end: AwareDatetime = Field(description="when the venue is handed back")
    organizer: Name
    organizer_phone: Phone | None = None
    purpose: Name = Field(description="what the venue is used for")
    fee: MoneyIn | None = Field(
        default=None, description="the venue management fee; may be given at signing instead"
    )


class SignIn(VersionIn):
    fee: MoneyIn | None = Field(
        default=None, description="the venue management fee (default: the booking's)"
    )


class CheckInIn(VersionIn):
    note: Notes | None = Field(default=None, description="the venue's condition when handed over")


class CheckOutIn(VersionIn):
    condition_note: Note = Field(description="the venue's condition when handed back")
    damage: Notes | None = Field(
        default=None, description="what is damaged, if anything: engineering gets a work order"
    )


class BookingStepOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    action: str
    status: str
    details: dict[str, Any]


class BookingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    reference: str = Field(description="what the organizer quotes, e.g. VB-2026-00012")
    property_id: str
    space_id: str
    start: datetime
    end: datetime
    organizer: str
    organizer_phone: str | None
    purpose: str
    fee: MoneyOut | None
    status: str = Field(description="requested | signed | in_use | completed | cancelled")
    signed_at: datetime | None
    signed_by: str | None
    checked_in_at: datetime | None
    checked_in_by: str | None
    check_in_note: str | None
    checked_out_at: datetime | None
    checked_out_by: str | None
    condition_note: str | None
    damaged: bool
    damage_description: str | None
    cancel_reason: str | None
    created_by: str
    created_at: datetime
    version: int


class BookingDetail(BookingOut):
    history: list[BookingStepOut]
