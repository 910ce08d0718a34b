from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class ArtworkOut(BaseModel):
    """An artwork document of the front desk's archive, as leasing knows it. The file itself is
    the archive's: ``GET /api/frontdesk/v1/documents/{id}/content`` for users who may read the
    front desk."""

    model_config = ConfigDict(from_attributes=True)

    id: str = Field(description="the archive's document id")
    property_id: str
    title: str
    filename: str | None
    content_type: str
    size: int
    status: str = Field(description="active | archived")
    archived_at: datetime | None
