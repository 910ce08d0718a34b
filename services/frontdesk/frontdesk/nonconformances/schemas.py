from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class NonconformanceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    reference: str = Field(description="e.g. NC-2026-00003")
    property_id: str
    inspection_id: str
    department: str = Field(description="the department inspected (greening, daily items...)")
    task_department: str | None = Field(description="whose task puts it right (none: the desk)")
    item_code: str
    text: str
    note: str | None
    document_id: str | None
    location: str | None
    severity: str
    status: str
    deadline_at: datetime
    overdue: bool = False
    overdue_at: datetime | None
    task_id: str | None
    task_cancelled_at: datetime | None = Field(
        description="the department cancelled its task: open until the desk rectifies it"
    )
    rectified_at: datetime | None
    closed_at: datetime | None
    verify_count: int
    verify_note: str | None
    version: int
    created_at: datetime

    @classmethod
    def of(cls, nc: object) -> NonconformanceOut:
        out = cls.model_validate(nc)
        return out.model_copy(
            update={"overdue": out.overdue_at is not None and out.status != "closed"}
        )


class StepOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    action: str
    status: str
    actor: str
    note: str | None
    at: datetime


class NonconformanceDetail(NonconformanceOut):
    history: list[StepOut] = Field(default_factory=list)


class VerifyIn(BaseModel):
    passed: bool
    note: str | None = Field(default=None, max_length=2000)
    version: int | None = Field(default=None, description="or If-Match")


class RectifyIn(BaseModel):
    """The desk put right its own item (no department task): what was done."""

    notes: str = Field(min_length=1, max_length=2000, description="what was done to put it right")
    version: int | None = Field(default=None, description="or If-Match")
