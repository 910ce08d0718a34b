"""Post checks (查崗): the supervisor's look at a post: guard present, properly dressed, alert."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from propops.db import IdMixin, TimestampMixin, UTCDateTime
from security.db import Base


class PostCheck(IdMixin, TimestampMixin, Base):
    __tablename__ = "post_checks"

    post_id: Mapped[str] = mapped_column(ForeignKey("posts.id"), index=True, nullable=False)
    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    checked_by: Mapped[str] = mapped_column(String(100), nullable=False)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True, nullable=False)
    present: Mapped[bool] = mapped_column(Boolean, nullable=False)
    dressed: Mapped[bool] = mapped_column(Boolean, nullable=False)
    alert: Mapped[bool] = mapped_column(Boolean, nullable=False)
    passed: Mapped[bool] = mapped_column(Boolean, index=True, nullable=False)
    guards_on_duty: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
