from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from propops.masking import mask_id_number, mask_phone

PartyKind = Literal["person", "company"]
OccupancyRole = Literal["owner", "tenant", "resident"]


class PartyIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    phone: str = Field(min_length=3, max_length=40, pattern=r"^\+?[0-9][0-9 ()-]*$")
    id_number: str | None = Field(default=None, min_length=3, max_length=60)
    kind: PartyKind = "person"
    property_id: str | None = Field(
        default=None,
        max_length=36,
        description="where the party is registered; required for a user limited to properties",
    )


class PartyPatch(BaseModel):
    """The fields to change (others stay); ``id_number`` may be cleared with null."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    phone: str | None = Field(
        default=None, min_length=3, max_length=40, pattern=r"^\+?[0-9][0-9 ()-]*$"
    )
    id_number: str | None = Field(default=None, min_length=3, max_length=60)
    kind: PartyKind | None = None

    @model_validator(mode="after")
    def _required(self) -> PartyPatch:
        for name in ("name", "phone", "kind"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class PartyOut(BaseModel):
    """A party as lists show it: phone and ID number masked."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    kind: str
    phone: str
    id_number: str | None
    version: int
    property_id: str | None
    created_at: datetime

    @classmethod
    def masked(cls, party: object) -> PartyOut:
        out = cls.model_validate(party)
        return out.model_copy(
            update={"phone": mask_phone(out.phone), "id_number": mask_id_number(out.id_number)}
        )


class OccupancyIn(BaseModel):
    unit_id: str = Field(min_length=1, max_length=36)
    party_id: str = Field(min_length=1, max_length=36)
    role: OccupancyRole
    start_date: date
    end_date: date | None = None

    @model_validator(mode="after")
    def _order(self) -> OccupancyIn:
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class OccupancyEndIn(BaseModel):
    end_date: date = Field(description="the last day held (a move-out), on or after the start")


class OccupancyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    unit_id: str
    party_id: str
    role: str
    start_date: date
    end_date: date | None


class Occupant(BaseModel):
    """Who holds a unit now, as the unit's page shows it."""

    occupancy_id: str
    party_id: str
    name: str
    role: str
    phone: str
    since: date
    until: date | None
