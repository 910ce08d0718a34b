"""Notices (發布通知): what the desk tells residents (a water cut, lift maintenance, a meeting),
bilingual, for a property or some of its buildings, shown between two times."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime

CATEGORIES = ("water_cut", "power_cut", "lift_maintenance", "fee_reminder", "meeting", "other")
STATUSES = ("draft", "published", "withdrawn")


class Notice(IdMixin, TimestampMixin, Base):
    __tablename__ = "notices"

    property_id: Mapped[str] = mapped_column(
        ForeignKey("properties.id"), index=True, nullable=False
    )
    # the buildings it concerns; empty: the whole property
    buildings: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    category: Mapped[str] = mapped_column(String(20), nullable=False)
    title_zh_hant: Mapped[str] = mapped_column(String(200), nullable=False)
    title_en: Mapped[str] = mapped_column(String(200), nullable=False)
    body_zh_hant: Mapped[str] = mapped_column(Text, nullable=False)
    body_en: Mapped[str] = mapped_column(Text, nullable=False)
    publish_from: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    publish_until: Mapped[datetime] = mapped_column(UTCDateTime, index=True, nullable=False)
    status: Mapped[str] = mapped_column(String(20), index=True, nullable=False, default="draft")
    created_by: Mapped[str | None] = mapped_column(String(120))
    published_by: Mapped[str | None] = mapped_column(String(120))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by: Mapped[str | None] = mapped_column(String(120))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdraw_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class NoticeStep(IdMixin, Base):
    """A notice's history: drafted, published, withdrawn."""

    __tablename__ = "notice_steps"

    notice_id: Mapped[str] = mapped_column(ForeignKey("notices.id"), index=True, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    actor: Mapped[str | None] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
