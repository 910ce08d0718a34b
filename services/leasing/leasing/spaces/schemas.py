from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from leasing.spaces.models import SpaceKind
from leasing.text import Code, Name, Place
from propops.money import MoneyIn, MoneyOut
from propops.timezones import validate_time_zone


class SpaceIn(BaseModel):
    property_id: str = Field(min_length=1, max_length=36)
    kind: SpaceKind
    code: Code = Field(description="the office's code of the space, unique in the property")
    name: Name
    location: Place = Field(description="where it is, e.g. 'Lobby, east wall'")
    size: str | None = Field(
        default=None, max_length=60, description="as measured, e.g. '6 m x 3 m' or '120 m²'"
    )
    list_rent: MoneyIn | None = Field(default=None, description="the asking rent per month")
    time_zone: str | None = Field(
        default=None,
        max_length=64,
        description="the property's IANA time zone (default: the register's, else the service's)",
        examples=["Asia/Hong_Kong"],
    )

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else validate_time_zone(value)


class SpaceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    property_id: str
    kind: SpaceKind
    code: str
    name: str
    location: str
    size: str | None
    list_rent: MoneyOut | None
    time_zone: str
    created_at: datetime
