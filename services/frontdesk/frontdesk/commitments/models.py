"""Commitments (承諾): a promise made to the resident while a complaint is open."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime


class Commitment(IdMixin, TimestampMixin, Base):
    """A promise made to the resident: recorded, visible, and settled before closing."""

    __tablename__ = "commitments"

    complaint_id: Mapped[str] = mapped_column(
        ForeignKey("complaints.id"), index=True, nullable=False
    )
    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    promised_by: Mapped[str] = mapped_column(String(120), nullable=False)
    due_date: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="open")
    settled_by: Mapped[str | None] = mapped_column(String(120))
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
