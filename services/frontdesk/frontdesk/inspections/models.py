"""Inspections (巡檢): checklist templates per property and department, and inspection rounds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime

DRAFT = "draft"
SUBMITTED = "submitted"


class InspectionTemplate(IdMixin, TimestampMixin, Base):
    """A checklist: ``items`` are ``{code, text_zh, text_en, department?}`` (an item's own
    department overrides the template's, e.g. the daily inspection's equipment item goes to
    engineering)."""

    __tablename__ = "inspection_templates"
    __table_args__ = (
        UniqueConstraint("property_id", "department", "name", name="uq_inspection_templates_name"),
    )

    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    department: Mapped[str] = mapped_column(String(20), index=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    seeded: Mapped[bool] = mapped_column(default=False, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Inspection(IdMixin, TimestampMixin, Base):
    """A round: the template's items as they were when it started, and their results."""

    __tablename__ = "inspections"

    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    template_id: Mapped[str] = mapped_column(
        ForeignKey("inspection_templates.id"), index=True, nullable=False
    )
    department: Mapped[str] = mapped_column(String(20), index=True, nullable=False)
    template_name: Mapped[str] = mapped_column(String(120), nullable=False)
    location: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), index=True, nullable=False, default=DRAFT)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    results: Mapped[dict[str, dict[str, Any]]] = mapped_column(JSON, nullable=False, default=dict)
    inspector: Mapped[str] = mapped_column(String(120), nullable=False)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class InspectionStep(IdMixin, Base):
    """The round's history: started, results recorded, submitted."""

    __tablename__ = "inspection_steps"

    inspection_id: Mapped[str] = mapped_column(
        ForeignKey("inspections.id"), index=True, nullable=False
    )
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False)
    actor: Mapped[str] = mapped_column(String(120), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
