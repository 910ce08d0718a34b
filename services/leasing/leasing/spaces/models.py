"""Spaces the office lets: ad spaces (廣告位), warehouses (倉庫) and venues (場地)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from leasing.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime
from propops.lists import keep_search_text, search_text
from propops.timezones import DEFAULT_TIME_ZONE


class SpaceKind(StrEnum):
    ad_space = "ad_space"
    warehouse = "warehouse"
    venue = "venue"


class Space(IdMixin, TimestampMixin, Base):
    __tablename__ = "spaces"
    __table_args__ = (Index("uq_spaces_code", "property_id", "code", unique=True),)

    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), index=True, nullable=False)
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    location: Mapped[str] = mapped_column(String(300), nullable=False)
    size: Mapped[str | None] = mapped_column(String(60))
    list_rent: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    # the property's time zone: "today" for the space's contracts, bookings and ads
    time_zone: Mapped[str] = mapped_column(String(64), nullable=False, default=DEFAULT_TIME_ZONE)
    # written by every rule that must see the space's other records as they are now
    # (signing, booking, approving): the lock that serializes them (lock_space)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")


keep_search_text(Space, lambda s: search_text(s.code, s.name, s.location))
