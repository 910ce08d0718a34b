from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class DocumentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    property_id: str
    unit_id: str | None
    party_id: str | None
    title: str
    category: str
    content_hash: str = Field(description="SHA-256 of the content")
    size: int
    content_type: str = Field(description="told from the content, not from the file's name")
    filename: str = Field(description="the download name")
    status: str
    uploaded_by: str
    archived_by: str | None
    archived_at: datetime | None
    archive_reason: str | None
    version: int
    created_at: datetime


class ArchiveIn(BaseModel):
    reason: str | None = Field(default=None, max_length=2000)
