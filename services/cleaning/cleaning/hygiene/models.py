"""Hygiene checks (衛生檢查) of an area: passed or failed, with notes; a failure's task."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cleaning.db import Base
from propops.db import IdMixin, TimestampMixin


class HygieneCheck(IdMixin, TimestampMixin, Base):
    __tablename__ = "hygiene_checks"

    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    area_id: Mapped[str] = mapped_column(ForeignKey("areas.id"), index=True, nullable=False)
    passed: Mapped[bool] = mapped_column(Boolean, nullable=False)
    notes: Mapped[str | None] = mapped_column(Text)
    checked_by: Mapped[str] = mapped_column(String(100), nullable=False)
    # the cleaning task a failure raised (its id and reference)
    task_id: Mapped[str | None] = mapped_column(String(36), index=True)
    task_reference: Mapped[str | None] = mapped_column(String(20))
