from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal[
    "admin", "manager", "frontdesk", "security", "engineering", "cleaning", "leasing", "fees"
]


class UserIn(BaseModel):
    username: str = Field(min_length=2, max_length=80, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(min_length=8, max_length=200)
    roles: list[Role] = Field(min_length=1)
    property_ids: list[str] = Field(
        default_factory=list, description="properties the user may see; empty: all"
    )


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=200)
    new_password: str = Field(min_length=8, max_length=200)


class UserPatch(BaseModel):
    password: str | None = Field(default=None, min_length=8, max_length=200)
    roles: list[Role] | None = Field(default=None, min_length=1)
    property_ids: list[str] | None = None
    active: bool | None = None
    version: int | None = Field(
        default=None, description="the version last read (or If-Match); 412 if it changed"
    )


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    username: str
    roles: list[str]
    property_ids: list[str]
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
