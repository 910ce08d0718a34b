from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from cleaning.areas.models import AreaKind


class AreaIn(BaseModel):
    property_id: str = Field(min_length=1, max_length=36)
    code: str = Field(
        min_length=1,
        max_length=40,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        examples=["A-LOBBY"],
        description="short code, unique in the property (letters, digits, . _ -); kept upper case",
    )
    name: str = Field(min_length=1, max_length=200, examples=["Block A lobby"])
    kind: AreaKind


class AreaOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    property_id: str
    code: str
    name: str
    kind: AreaKind
    created_at: datetime
