"""The supervisor's daily review (每日查閱工作記錄): signed once per property and local day."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime


class DailyReview(IdMixin, TimestampMixin, Base):
    __tablename__ = "daily_reviews"
    # one per property and day, also when two supervisors sign at once
    __table_args__ = (UniqueConstraint("property_id", "date", name="uq_daily_reviews_day"),)

    property_id: Mapped[str] = mapped_column(
        ForeignKey("properties.id"), index=True, nullable=False
    )
    # the day reviewed, in the property's time zone
    date: Mapped[date] = mapped_column(Date, nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    signed_by: Mapped[str] = mapped_column(String(120), nullable=False)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
