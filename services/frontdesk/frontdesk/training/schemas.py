from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class CourseIn(BaseModel):
    property_id: str | None = Field(
        default=None, min_length=1, max_length=36, description="none: every property"
    )
    code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    name: str = Field(min_length=1, max_length=200, pattern=r"\S")
    kind: Literal["induction", "in_service"] = Field(
        description="induction: pre-job (崗前培訓); in_service: periodic (在崗培訓)"
    )
    refresher_months: int | None = Field(
        default=None, ge=1, le=120, description="attend again this many months after"
    )


class CourseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    property_id: str | None
    code: str
    name: str
    kind: str
    refresher_months: int | None
    created_at: datetime


class RecordIn(BaseModel):
    course_id: str = Field(min_length=1, max_length=36)
    user: str = Field(min_length=1, max_length=80, description="an active front-desk user")
    attended_on: date
    trainer: str | None = Field(default=None, max_length=120)
    passed: bool | None = Field(default=None, description="none: no assessment")

    @field_validator("attended_on")
    @classmethod
    def _plausible(cls, day: date) -> date:
        if not 1970 <= day.year < 2200:
            raise ValueError("must be between 1970 and 2199")
        return day


class RecordOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    course_id: str
    user: str
    attended_on: date
    trainer: str | None
    passed: bool | None
    recorded_by: str | None
    created_at: datetime


class DueOut(BaseModel):
    """A front-desk user due (or overdue) for a course: never attended it (with a pass, or
    no assessment), or its refresher falls due within the window."""

    user: str
    course_id: str
    course_code: str
    course_name: str
    kind: str
    last_attended_on: date | None
    due_on: date | None = Field(description="none: never attended")
    overdue: bool
    never: bool


class DueList(BaseModel):
    property_id: str
    today: date
    within_days: int
    items: list[DueOut]
