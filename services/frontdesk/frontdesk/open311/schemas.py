"""Shapes of the Open311 feature: the admin API for API keys (pydantic), and a submitted
request once read from its form (a plain dataclass: the form has dynamic ``attribute[...]``
keys, so it is parsed by hand in ``service.parse_submission``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, RootModel


class ApiKeyIn(BaseModel):
    name: str = Field(min_length=1, max_length=120, description="the app, e.g. 'Resident app'")


class ApiKeyOut(BaseModel):
    """A key as lists show it: never the key itself, only its first characters."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    key_prefix: str
    active: bool
    created_at: datetime
    created_by: str
    revoked_at: datetime | None
    revoked_by: str | None
    last_used_at: datetime | None


class ApiKeyCreated(BaseModel):
    """The answer to issuing a key: the only time the key is shown."""

    id: str
    name: str
    api_key: str
    created_at: datetime


@dataclass(frozen=True)
class Submission:
    """A ``POST requests`` form, empty fields dropped, checked against the service."""

    service_code: str
    description: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    lat: Decimal | None = None
    long: Decimal | None = None
    address_string: str | None = None
    address_id: str | None = None
    media_url: str | None = None
    device_id: str | None = None
    account_id: str | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None


class Open311ErrorItem(BaseModel):
    code: int
    description: str


class Open311Errors(RootModel[list[Open311ErrorItem]]):
    """The Open311 error list (JSON; the same as ``<errors><error>`` in XML)."""
