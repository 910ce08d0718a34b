from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from frontdesk.parties.schemas import Occupant
from frontdesk.payment_status.service import PaymentStatus
from propops.timezones import validate_time_zone

TimeZoneField = Field(
    default=None,
    max_length=64,
    examples=["Asia/Hong_Kong"],
    description="IANA time zone: what 'today' is at the property; default: the setting",
)


def no_nulls(model: BaseModel, *fields: str) -> None:
    """A PATCH may leave a field out, but not blank out one that must have a value."""
    for name in fields:
        if name in model.model_fields_set and getattr(model, name) is None:
            raise ValueError(f"{name} cannot be null")


class PropertyIn(BaseModel):
    code: str = Field(
        min_length=1,
        max_length=40,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
        description="short code, also the Open311 jurisdiction id",
    )
    name: str = Field(min_length=1, max_length=200)
    time_zone: str | None = TimeZoneField

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else validate_time_zone(value)


class PropertyPatch(BaseModel):
    """The fields to change (others stay); send ``If-Match`` with the version read."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    time_zone: str | None = TimeZoneField

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else validate_time_zone(value)

    @model_validator(mode="after")
    def _required(self) -> PropertyPatch:
        no_nulls(self, "name", "time_zone")
        return self


class PropertyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    code: str
    name: str
    time_zone: str
    version: int
    created_at: datetime


class UnitIn(BaseModel):
    property_id: str = Field(min_length=1, max_length=36)
    building: str = Field(min_length=1, max_length=60, description="building / block, e.g. 'A'")
    number: str = Field(min_length=1, max_length=40, description="unit number, e.g. '12F-3'")
    floor: int | None = Field(default=None, ge=-10, le=300)
    area_m2: Decimal | None = Field(default=None, gt=0, max_digits=10, decimal_places=2)

    @field_validator("area_m2")
    @classmethod
    def _two_places(cls, value: Decimal | None) -> Decimal | None:
        return None if value is None else value.quantize(Decimal("0.01"))


class UnitPatch(BaseModel):
    """The fields to change (others stay); ``floor`` and ``area_m2`` may be cleared with null."""

    building: str | None = Field(default=None, min_length=1, max_length=60)
    number: str | None = Field(default=None, min_length=1, max_length=40)
    floor: int | None = Field(default=None, ge=-10, le=300)
    area_m2: Decimal | None = Field(default=None, gt=0, max_digits=10, decimal_places=2)

    @field_validator("area_m2")
    @classmethod
    def _two_places(cls, value: Decimal | None) -> Decimal | None:
        return None if value is None else value.quantize(Decimal("0.01"))

    @model_validator(mode="after")
    def _required(self) -> UnitPatch:
        no_nulls(self, "building", "number")
        return self


class UnitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    property_id: str
    building: str
    number: str
    floor: int | None
    area_m2: Decimal | None
    version: int
    created_at: datetime


class UnitDetail(UnitOut):
    """A unit with who owns it and who lives there now, and its payment status (from fees)."""

    owners: list[Occupant] = []
    occupants: list[Occupant] = []
    payment_status: PaymentStatus | None = None
