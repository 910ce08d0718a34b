"""Commitments (承諾): what the desk promised the resident, and how it was settled."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class CommitmentIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000)
    promised_by: str = Field(min_length=1, max_length=120)
    due_date: date


class SettleIn(BaseModel):
    note: str | None = Field(default=None, max_length=2000)


class CommitmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    complaint_id: str
    property_id: str
    text: str
    promised_by: str
    due_date: date
    status: str
    settled_by: str | None
    settled_at: datetime | None
    note: str | None
    created_at: datetime
