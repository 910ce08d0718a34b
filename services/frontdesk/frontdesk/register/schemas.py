from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from frontdesk.parties.schemas import Occupant
from frontdesk.payment_status.service import PaymentStatus


class PropertyIn(BaseModel):
    code: str = Field(
        min_length=1,
        max_length=40,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
        description="short code, also the Open311 jurisdiction id",
    )
    name: str = Field(min_length=1, max_length=200)


class PropertyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    code: str
    name: str
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


class UnitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    property_id: str
    building: str
    number: str
    floor: int | None
    area_m2: Decimal | None
    created_at: datetime


class UnitDetail(UnitOut):
    """A unit with who owns it and who lives there now, and its payment status (from fees)."""

    owners: list[Occupant] = []
    occupants: list[Occupant] = []
    payment_status: PaymentStatus | None = None
