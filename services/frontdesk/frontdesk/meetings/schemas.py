"""Meeting rooms and bookings in and out."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

# what the desk serves at a meeting (each one a line of the preparation checklist)
MEETING_SERVICES = ("tea", "coffee", "water", "fruit", "snacks", "flowers", "name_cards")
MeetingService = Literal["tea", "coffee", "water", "fruit", "snacks", "flowers", "name_cards"]
ItemName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


class RoomIn(BaseModel):
    property_id: str = Field(min_length=1, max_length=36)
    name: str = Field(min_length=1, max_length=120)
    capacity: int = Field(ge=1, le=10_000)
    equipment: list[ItemName] = Field(
        default_factory=list, max_length=40, examples=[["projector", "microphone"]]
    )


class RoomOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    property_id: str
    name: str
    capacity: int
    equipment: list[str]
    created_at: datetime


class BookingIn(BaseModel):
    room_id: str = Field(min_length=1, max_length=36)
    start: AwareDatetime
    end: AwareDatetime
    organizer: str = Field(min_length=1, max_length=200, description="who booked: name, unit")
    attendees: int = Field(ge=1, le=10_000)
    services: list[MeetingService] = Field(default_factory=list, max_length=len(MEETING_SERVICES))
    notes: str | None = Field(default=None, max_length=2000)


class ChecklistItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    name: str
    done_at: datetime | None
    done_by: str | None


class BookingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    reference: str
    property_id: str
    room_id: str
    start: datetime = Field(validation_alias="start_at")
    end: datetime = Field(validation_alias="end_at")
    day: date
    organizer: str
    attendees: int
    services: list[str]
    notes: str | None
    status: str
    booked_by: str
    cancel_reason: str | None
    closed_by: str | None
    closed_at: datetime | None
    equipment_complete: bool | None
    missing_items: list[str]
    power_off: bool | None
    keys_returned_at: datetime | None
    keys_returned_to: str | None
    version: int
    created_at: datetime
    checklist: list[ChecklistItemOut] = []
    prepared: bool = Field(default=False, description="every checklist item ticked")


class CancelIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class CloseIn(BaseModel):
    equipment_complete: bool
    missing_items: list[ItemName] = Field(default_factory=list, max_length=40)
    power_off: bool
    keys_returned: bool
    notes: str | None = Field(default=None, max_length=2000)


class KeysReturnedIn(BaseModel):
    returned_by: str | None = Field(
        default=None, max_length=200, description="who brought the keys back"
    )
