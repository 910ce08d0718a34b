from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from propops.recurrence import Rule, check_once_a_day
from propops.timezones import validate_time_zone

MAX_LEAD_DAYS = 90


class PlanIn(BaseModel):
    equipment_id: str = Field(min_length=1, max_length=36)
    task: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] = (
        Field(description="what to do, the work order's title, e.g. Monthly lift inspection")
    )
    rrule: Rule
    lead_days: int = Field(
        ge=0,
        le=MAX_LEAD_DAYS,
        description="the work order is made this many days before the service is due",
    )
    starts_on: date | None = Field(
        default=None, description="the first day the rule counts from (default: today there)"
    )
    time_zone: str | None = Field(
        default=None,
        description="the property's IANA zone (default: the service's default_time_zone)",
    )

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else validate_time_zone(value)

    @field_validator("rrule")
    @classmethod
    def _daily_at_most(cls, value: str) -> str:
        """A plan's work order is keyed one per local date: a second occurrence that day
        would merge into the first."""
        try:
            check_once_a_day(value)
        except ValueError as exc:
            raise ValueError(f"a maintenance plan recurs daily at most: {exc}") from exc
        return value


class PlanOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    equipment_id: str
    property_id: str
    task: str
    rrule: str
    lead_days: int
    starts_on: date
    time_zone: str
    active: bool
    generated_until: datetime | None
    created_at: datetime
