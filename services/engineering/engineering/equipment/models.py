"""The equipment register (設備設施) and each item's service log."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engineering.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime, utcnow
from propops.lists import keep_search_text, search_text


class Category(StrEnum):
    lift = "lift"
    pump = "pump"
    generator = "generator"
    fire = "fire"  # fire services: alarms, sprinklers, hydrants
    hvac = "hvac"
    electrical = "electrical"
    lighting = "lighting"
    other = "other"


class Equipment(IdMixin, TimestampMixin, Base):
    __tablename__ = "equipment"

    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    code: Mapped[str] = mapped_column(String(40), nullable=False)  # the plate: LIFT-A2
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    category: Mapped[str] = mapped_column(String(20), index=True, nullable=False)
    location: Mapped[str] = mapped_column(String(200), nullable=False)
    vendor: Mapped[str | None] = mapped_column(String(200))
    installed_on: Mapped[date | None] = mapped_column(Date)
    last_serviced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # code, name, location and vendor normalized for q= (propops.lists), kept on every write
    search_text: Mapped[str] = mapped_column(String(700), nullable=False, default="")

    __table_args__ = (Index("uq_equipment_code", "property_id", "code", unique=True),)


keep_search_text(Equipment, lambda e: search_text(e.code, e.name, e.location, e.vendor))


class ServiceRecord(IdMixin, Base):
    """One line of an item's service log: a completed preventive work order."""

    __tablename__ = "equipment_service_log"

    equipment_id: Mapped[str] = mapped_column(
        ForeignKey("equipment.id"), index=True, nullable=False
    )
    task_id: Mapped[str] = mapped_column(String(36), nullable=False)
    reference: Mapped[str | None] = mapped_column(String(20))
    plan_id: Mapped[str | None] = mapped_column(String(36))
    serviced_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    serviced_by: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    # one line per completion of a work order (a reopened one completed again adds a line)
    __table_args__ = (Index("uq_service_log_completion", "task_id", "serviced_at", unique=True),)
