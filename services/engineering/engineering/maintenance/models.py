"""Maintenance plans (定期保養): a recurring service of one item of equipment."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column

from engineering.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime


class MaintenancePlan(IdMixin, TimestampMixin, Base):
    __tablename__ = "maintenance_plans"

    equipment_id: Mapped[str] = mapped_column(
        ForeignKey("equipment.id"), index=True, nullable=False
    )
    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    task: Mapped[str] = mapped_column(String(200), nullable=False)  # what to do, the title
    rrule: Mapped[str] = mapped_column(String(510), nullable=False)
    lead_days: Mapped[int] = mapped_column(Integer, nullable=False)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    time_zone: Mapped[str] = mapped_column(String(64), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=true())
    # occurrences before this instant have their work orders (a watermark: the generator looks
    # from here, so occurrences missed while the service was down are made late, not skipped)
    generated_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
