"""Cleaning schedules (清潔計劃): what to clean in an area, on which days (an RFC 5545 rule)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from cleaning.db import Base
from propops.db import IdMixin, TimestampMixin
from propops.timezones import DEFAULT_TIME_ZONE


class Schedule(IdMixin, TimestampMixin, Base):
    __tablename__ = "schedules"

    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    area_id: Mapped[str] = mapped_column(ForeignKey("areas.id"), index=True, nullable=False)
    task: Mapped[str] = mapped_column(String(200), nullable=False)
    rrule: Mapped[str] = mapped_column(String(520), nullable=False)
    assignee: Mapped[str | None] = mapped_column(String(100))
    # the first day it may occur (its rule's DTSTART, at 00:00 there)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    time_zone: Mapped[str] = mapped_column(String(64), nullable=False, default=DEFAULT_TIME_ZONE)
    # the last day whose tasks are made: the job's cursor (the tasks' source keys are the
    # guarantee; this only saves looking at days already done)
    generated_through: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str | None] = mapped_column(String(100))
