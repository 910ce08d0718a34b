from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from propops.recurrence import Rule


class ScheduleIn(BaseModel):
    area_id: str = Field(min_length=1, max_length=36)
    task: str = Field(min_length=1, max_length=200, examples=["Mop the lobby floor"])
    rrule: Rule = Field(
        description="on which days (RFC 5545; at most one task a day), e.g. FREQ=DAILY or "
        "FREQ=WEEKLY;BYDAY=MO,TH",
        examples=["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,TH"],
    )
    assignee: str | None = Field(
        default=None, min_length=1, max_length=100, description="a cleaning user, if any"
    )
    starts_on: date | None = Field(
        default=None, description="the first day it may occur (default: today)"
    )


class ScheduleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    property_id: str
    area_id: str
    task: str
    rrule: str
    assignee: str | None
    starts_on: date
    generated_through: date | None = Field(description="the last day whose tasks are made")
    created_by: str | None
    created_at: datetime
