from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, Field, field_validator

from propops.timezones import validate_time_zone
from security.incidents.models import Incident, IncidentKind, Severity


class IncidentIn(BaseModel):
    property_id: str = Field(min_length=1, max_length=36)
    kind: IncidentKind
    location: str = Field(min_length=1, max_length=200, examples=["Car park B2"])
    description: str = Field(min_length=1, max_length=4000)
    severity: Severity
    occurred_at: AwareDatetime | None = Field(default=None, description="default: now")
    time_zone: str | None = Field(
        default=None,
        max_length=64,
        description="the property's IANA time zone: the year of the reference",
    )

    @field_validator("location", "description")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @field_validator("occurred_at")
    @classmethod
    def _plausible(cls, value: datetime | None) -> datetime | None:
        if value is not None and not 1970 <= value.year < 2200:
            raise ValueError("must be between 1970 and 2199")
        return value

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else validate_time_zone(value)


class IncidentOut(BaseModel):
    id: str
    reference: str
    property_id: str
    kind: IncidentKind
    location: str
    description: str
    severity: Severity
    occurred_at: datetime
    reported_by: str | None
    created_at: datetime

    @classmethod
    def of(cls, incident: Incident) -> IncidentOut:
        return cls.model_validate(incident, from_attributes=True)
