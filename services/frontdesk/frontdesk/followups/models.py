"""Front-desk follow-ups (跟進): something found that the desk must see to, listed until resolved
(e.g. equipment missing after a meeting)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime

FOLLOW_UP_STATES = ("open", "resolved")
FOLLOW_UP_KINDS = ("missing_equipment",)


class FollowUp(IdMixin, TimestampMixin, Base):
    __tablename__ = "desk_follow_ups"

    property_id: Mapped[str] = mapped_column(
        ForeignKey("properties.id"), index=True, nullable=False
    )
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    # what raised it: a record of the desk (its kind, id and reference)
    source: Mapped[str] = mapped_column(String(30), nullable=False)
    source_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    source_reference: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, nullable=False)
    items: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    status: Mapped[str] = mapped_column(String(20), index=True, nullable=False, default="open")
    raised_by: Mapped[str] = mapped_column(String(120), nullable=False)
    resolved_by: Mapped[str | None] = mapped_column(String(120))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
