from __future__ import annotations

import math
from datetime import date, datetime, timedelta

from pydantic import AwareDatetime, BaseModel, Field, field_validator

from frontdesk.staff_shifts.models import StaffShift
from propops.roster import ShiftTimes

User = Field(
    min_length=1,
    max_length=80,
    description="user name of an active front-desk user",
    examples=["desk-amy"],
)


class StaffShiftIn(ShiftTimes):
    property_id: str = Field(min_length=1, max_length=36)
    user: str = User
    post: str = Field(
        min_length=1,
        max_length=60,
        pattern=r"\S",
        examples=["reception"],
        description="the desk's post (崗位), a free code per property: reception, lobby...",
    )

    @field_validator("post")
    @classmethod
    def _strip(cls, post: str) -> str:
        return post.strip()


class ReassignIn(BaseModel):
    user: str = User
    version: int | None = Field(default=None, description="or If-Match")


class CancelIn(BaseModel):
    reason: str | None = Field(default=None, max_length=2000)
    version: int | None = Field(default=None, description="or If-Match")


class ClockIn(BaseModel):
    at: AwareDatetime | None = Field(default=None, description="default: now")
    version: int | None = Field(default=None, description="or If-Match")


class StaffShiftOut(BaseModel):
    id: str
    property_id: str
    user: str
    post: str
    start: datetime
    end: datetime
    day: date = Field(description="the start's day at the property")
    status: str
    clocked_in_at: datetime | None
    clocked_in_by: str | None
    clocked_out_at: datetime | None
    clocked_out_by: str | None
    arrive_by: datetime = Field(description="start less the arrival standard (20 minutes)")
    late: bool = Field(description="clocked in after arrive_by")
    late_minutes: int | None = Field(description="minutes after arrive_by, when late")
    absent: bool = Field(description="scheduled, started, and no clock-in")
    uncovered: bool = Field(description="its user is on approved leave: reassign or cancel it")
    uncovered_leave_id: str | None = Field(description="the leave that uncovers it")
    cancelled_by: str | None
    cancel_reason: str | None
    created_by: str | None
    created_at: datetime
    version: int

    @classmethod
    def of(cls, shift: StaffShift, now: datetime, arrival_minutes: int) -> StaffShiftOut:
        arrive_by = shift.start - timedelta(minutes=arrival_minutes)
        clocked = shift.clocked_in_at
        late = clocked is not None and clocked > arrive_by
        scheduled = shift.status == "scheduled"
        return cls(
            id=shift.id,
            property_id=shift.property_id,
            user=shift.user,
            post=shift.post,
            start=shift.start,
            end=shift.end,
            day=shift.day,
            status=shift.status,
            clocked_in_at=clocked,
            clocked_in_by=shift.clocked_in_by,
            clocked_out_at=shift.clocked_out_at,
            clocked_out_by=shift.clocked_out_by,
            arrive_by=arrive_by,
            late=late,
            late_minutes=(
                math.ceil((clocked - arrive_by).total_seconds() / 60)
                if late and clocked is not None
                else None
            ),
            absent=scheduled and clocked is None and now >= shift.start,
            uncovered=scheduled and shift.uncovered_leave_id is not None,
            uncovered_leave_id=shift.uncovered_leave_id if scheduled else None,
            cancelled_by=shift.cancelled_by,
            cancel_reason=shift.cancel_reason,
            created_by=shift.created_by,
            created_at=shift.created_at,
            version=shift.version,
        )
