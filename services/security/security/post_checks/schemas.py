from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from security.post_checks.models import PostCheck


class PostCheckIn(BaseModel):
    post_id: str = Field(min_length=1, max_length=36)
    checked_by: str | None = Field(
        default=None, max_length=100, description="who checked (default: the signed-in user)"
    )
    present: bool = Field(description="a guard is at the post")
    dressed: bool = Field(description="properly dressed")
    alert: bool = Field(description="awake and attentive (not dozing)")
    notes: str | None = Field(default=None, max_length=2000)


class PostCheckOut(BaseModel):
    id: str
    post_id: str
    property_id: str
    checked_by: str
    checked_at: datetime
    present: bool
    dressed: bool
    alert: bool
    passed: bool = Field(description="present, dressed and alert")
    guards_on_duty: list[str] = Field(description="the roster's guards at the post then")
    notes: str | None

    @classmethod
    def of(cls, check: PostCheck) -> PostCheckOut:
        return cls.model_validate(check, from_attributes=True)
