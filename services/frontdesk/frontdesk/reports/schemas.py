from __future__ import annotations

from datetime import date, datetime

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


class PostHandovers(BaseModel):
    post: str
    written: int = Field(description="handovers written that day")
    acknowledged: int = Field(description="of those, acknowledged by the successor")
    pending: int = Field(description="of those, still waiting for the successor")


class DepartmentComplaints(BaseModel):
    department: str = Field(description="the department handling it; 'unassigned' before dispatch")
    recorded: int
    resolved: int
    overdue: int


class DepartmentInspections(BaseModel):
    department: str
    inspections: int = Field(description="rounds submitted that day")
    raised: int = Field(description="nonconformances raised that day")
    rectified: int = Field(description="nonconformances rectified that day (a check is due)")
    verified: int = Field(description="follow-up checks that day (passed or failed)")
    closed: int = Field(description="of those, passed: the nonconformance closed")
    open: int = Field(
        description="open at the end of that day: raised before it ended and not closed by then "
        "(open or rectified, awaiting the check); a later day's are not counted"
    )


class SignedReview(BaseModel):
    id: str
    signed_by: str
    signed_at: datetime
    notes: str


class DeskDay(BaseModel):
    """What the front desk did and left undone on one local day of a property."""

    property_id: str
    date: date
    time_zone: str
    since: datetime = Field(description="the day's first instant (UTC)")
    until: datetime = Field(description="the first instant after the day (UTC)")
    handovers: list[PostHandovers]
    complaints: list[DepartmentComplaints] = Field(
        description="recorded and resolved that day, and overdue (open past the resolution "
        "deadline) at the end of the day, or now for today"
    )
    callbacks_due: int = Field(description="callbacks due that day")
    callbacks_done: int = Field(description="of those, done")
    inspections: list[DepartmentInspections]
    review: SignedReview | None = Field(description="the signed daily review, if signed")
