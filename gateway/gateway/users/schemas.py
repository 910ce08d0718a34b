from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Role = Literal[
    "admin",
    "manager",
    "supervisor",
    "frontdesk",
    "security",
    "engineering",
    "cleaning",
    "leasing",
    "fees",
]


def _supervisor_at_the_desk(roles: list[str] | None) -> list[str] | None:
    """``supervisor`` is the front desk's (客服領班): held with ``frontdesk``, never alone."""
    if roles is not None and "supervisor" in roles and "frontdesk" not in roles:
        raise ValueError("supervisor is the front desk's supervisor: give frontdesk too")
    return roles


class UserIn(BaseModel):
    username: str = Field(min_length=2, max_length=80, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(min_length=8, max_length=200)
    roles: list[Role] = Field(min_length=1)
    property_ids: list[str] = Field(
        default_factory=list, description="properties the user may see; empty: all"
    )

    _roles = field_validator("roles")(_supervisor_at_the_desk)


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

    _roles = field_validator("roles")(_supervisor_at_the_desk)


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
