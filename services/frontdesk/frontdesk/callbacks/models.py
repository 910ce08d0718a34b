"""Callbacks (回訪): after a resolution (or an answer) the desk calls the resident back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime


class Callback(IdMixin, TimestampMixin, Base):
    """A call back to the resident: after a complaint's resolution (one per round), or after a
    paid service was signed off (one per paid service)."""

    __tablename__ = "callbacks"
    # one callback per resolution round: a redelivered completion cannot open a second one
    __table_args__ = (UniqueConstraint("complaint_id", "round", name="uq_callbacks_round"),)

    complaint_id: Mapped[str | None] = mapped_column(ForeignKey("complaints.id"), index=True)
    paid_service_id: Mapped[str | None] = mapped_column(ForeignKey("paid_services.id"), unique=True)
    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    round: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(10), index=True, nullable=False, default="due")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    reached: Mapped[bool | None] = mapped_column(Boolean)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(20))  # closed | reopened
    attempts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str | None] = mapped_column(String(120))
