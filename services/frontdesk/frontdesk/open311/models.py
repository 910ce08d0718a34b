"""Open311: API keys of residents' apps, and what each app sent with a request.

The request itself is a complaint (``complaints``, channel ``app``); ``open311_requests`` keeps
the Open311 fields the complaint has no column for (coordinates, the resident's own text, the
answers to the service's attributes, the contact details) and marks the complaint as public
over Open311. Walk-in and phone complaints never appear in the public lists.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import IdMixin, UTCDateTime, utcnow


class ApiKey(IdMixin, Base):
    """An app's key. Only the SHA-256 of the key is kept; the key is shown once, at issue."""

    __tablename__ = "open311_api_keys"

    name: Mapped[str] = mapped_column(String(120), nullable=False)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    key_prefix: Mapped[str] = mapped_column(String(16), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(120))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Open311Request(Base):
    """The Open311 side of a complaint filed by an app."""

    __tablename__ = "open311_requests"
    __table_args__ = (
        Index("ix_open311_requests_property_created", "property_id", "created_at"),
        Index("ix_open311_requests_repeat", "api_key_id", "device_id", "created_at"),
    )

    complaint_id: Mapped[str] = mapped_column(ForeignKey("complaints.id"), primary_key=True)
    property_id: Mapped[str] = mapped_column(ForeignKey("properties.id"), nullable=False)
    api_key_id: Mapped[str] = mapped_column(ForeignKey("open311_api_keys.id"), nullable=False)
    service_code: Mapped[str] = mapped_column(String(60), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    lat: Mapped[Decimal | None] = mapped_column(Numeric(10, 7))
    long: Mapped[Decimal | None] = mapped_column(Numeric(10, 7))
    address_string: Mapped[str | None] = mapped_column(String(300))
    address_id: Mapped[str | None] = mapped_column(String(36))
    media_url: Mapped[str | None] = mapped_column(String(1000))
    device_id: Mapped[str | None] = mapped_column(String(200))
    account_id: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
