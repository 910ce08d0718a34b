"""The phone log (接電話): every call registered; what could not be answered stays open."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime


class Call(IdMixin, TimestampMixin, Base):
    __tablename__ = "calls"

    property_id: Mapped[str] = mapped_column(
        ForeignKey("properties.id"), index=True, nullable=False
    )
    caller_name: Mapped[str] = mapped_column(String(200), nullable=False)
    phone: Mapped[str] = mapped_column(String(40), nullable=False)
    party_id: Mapped[str | None] = mapped_column(ForeignKey("parties.id"))
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    answered_on_call: Mapped[bool] = mapped_column(Boolean, nullable=False)
    status: Mapped[str] = mapped_column(
        String(20), index=True, nullable=False
    )  # calls.service.STATUSES
    taken_by: Mapped[str] = mapped_column(String(120), nullable=False)
    follow_up_notes: Mapped[str | None] = mapped_column(Text)
    followed_up_by: Mapped[str | None] = mapped_column(String(120))
    followed_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    complaint_id: Mapped[str | None] = mapped_column(String(36))
