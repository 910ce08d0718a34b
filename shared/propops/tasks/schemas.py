from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from propops.tasks.models import TASK_KINDS

# Text that is not empty once stripped: blank input is a 422 naming the field.
Assignee = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Notes = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class VersionIn(BaseModel):
    """Optional optimistic concurrency in the body (the ``If-Match`` header does the same)."""

    version: int | None = Field(
        default=None, ge=1, description="the version you last read; 412 if it changed"
    )


class AssignIn(VersionIn):
    assignee: Assignee = Field(description="username of the person who does the work")


class CompleteIn(VersionIn):
    resolution_notes: Notes = Field(description="what was done")


class ReasonIn(VersionIn):
    reason: Reason


class TaskOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    reference: str | None = Field(description="what the department quotes, e.g. W-2026-00007")
    department: str
    property_id: str
    complaint_id: str | None
    complaint_reference: str | None = Field(description="the complaint's, e.g. C-2026-00042")
    title: str
    description: str | None
    property_name: str | None
    building: str | None
    unit_number: str | None
    floor: int | None
    location: str | None
    unit_id: str | None
    contact_name: str | None = Field(description="the complainant: who to call")
    contact_phone: str | None = Field(description="in full: the department's staff dial it")
    nature: str | None
    complaint_kind: str | None = Field(description="the complaint's: help | consult | vent")
    kind: str = Field(description="the work kind: " + " | ".join(TASK_KINDS))
    source_id: str | None = Field(description="the record that asked for the work")
    source_key: str | None = Field(description="generated work's key, one task per key")
    asset_id: str | None = Field(description="the equipment or cleaning area worked on")
    priority: str | None
    status: str
    assignee: str | None
    resolution_notes: str | None
    due_at: datetime | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    reopen_count: int
    version: int


class HistoryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    action: str
    status: str
    notes: str | None


class TaskDetail(TaskOut):
    history: list[HistoryOut]
