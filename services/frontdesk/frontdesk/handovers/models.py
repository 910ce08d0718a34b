"""Shift handover records (交接記錄表): written by the outgoing receptionist of a post, pending
until the successor acknowledges them; open items carry over to the next one of the post."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime

HANDOVER_STATES = ("pending", "acknowledged")


class Handover(IdMixin, TimestampMixin, Base):
    __tablename__ = "handovers"
    __table_args__ = (Index("ix_handovers_post", "property_id", "post", "created_at"),)

    property_id: Mapped[str] = mapped_column(
        ForeignKey("properties.id"), index=True, nullable=False
    )
    post: Mapped[str] = mapped_column(String(60), nullable=False)
    shift_end: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    open_items: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # the previous handover of the post and the items it left open
    previous_id: Mapped[str | None] = mapped_column(String(36))
    carried_over: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    status: Mapped[str] = mapped_column(String(20), index=True, nullable=False, default="pending")
    written_by: Mapped[str] = mapped_column(String(120), nullable=False)
    acknowledged_by: Mapped[str | None] = mapped_column(String(120))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledge_note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
