"""The CloudEvents 1.0 envelope (structured JSON mode) every PropOps event travels in."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class CloudEvent(BaseModel):
    model_config = ConfigDict(extra="allow")

    specversion: str = "1.0"
    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    source: str
    type: str
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    subject: str | None = None
    datacontenttype: str = "application/json"
    data: dict[str, Any] = Field(default_factory=dict)

    def to_json(self) -> bytes:
        return self.model_dump_json(exclude_none=True).encode()

    @classmethod
    def from_json(cls, raw: bytes | str) -> CloudEvent:
        return cls.model_validate_json(raw)

    @property
    def department(self) -> str:
        # propops.<dept>.<entity>.<verb>.v1
        return self.type.split(".")[1]


def new_event(
    payload: BaseModel, *, subject: str | None = None, event_type: str | None = None
) -> CloudEvent:
    """Wrap a typed payload (a class registered in the catalog) in an envelope. A payload class
    that serves several types (e.g. ``ComplaintChanged``) needs ``event_type``."""
    from propops.events.catalog import type_for_payload

    type_ = type_for_payload(type(payload), event_type)
    return CloudEvent(
        source=f"/propops/{type_.split('.')[1]}",
        type=type_,
        subject=subject,
        data=payload.model_dump(mode="json"),
    )
