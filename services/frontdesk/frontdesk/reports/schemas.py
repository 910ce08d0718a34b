from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class DayCount(BaseModel):
    date: date
    nature: str = Field(description="valid | communication | unclassified")
    kind: str | None = Field(description="help | consult | vent (communication only)")
    count: int


class DepartmentLoad(BaseModel):
    department: str = Field(description="the department handling it; 'unassigned' before dispatch")
    open: int
    overdue: int


class ResolveTime(BaseModel):
    department: str
    resolved: int = Field(description="complaints resolved in the period")
    median_hours: float = Field(description="median hours from record to resolve")


class ComplaintStats(BaseModel):
    """The manager's figures about complaints for a period (days in UTC)."""

    from_: date = Field(alias="from")
    to: date
    property_id: str | None
    recorded: int = Field(description="complaints recorded in the period")
    per_day: list[DayCount] = Field(description="recorded per day by nature and kind (non-zero)")
    by_department: list[DepartmentLoad] = Field(description="open now, and how many overdue")
    resolve_time: list[ResolveTime]
    satisfaction: dict[str, int] = Field(
        description="callbacks reached in the period by satisfaction score '1'..'5'"
    )

    model_config = {"populate_by_name": True}
