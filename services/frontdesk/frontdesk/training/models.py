"""Training of the front desk's staff: courses (pre-job induction, periodic in-service training
with a refresher interval) and who attended them when."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import IdMixin, TimestampMixin

COURSE_KINDS = ("induction", "in_service")


class TrainingCourse(IdMixin, TimestampMixin, Base):
    __tablename__ = "training_courses"
    __table_args__ = (Index("ix_training_courses_code", "property_id", "code"),)

    # None: the course applies at every property
    property_id: Mapped[str | None] = mapped_column(ForeignKey("properties.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    refresher_months: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str | None] = mapped_column(String(80))


class TrainingRecord(IdMixin, TimestampMixin, Base):
    __tablename__ = "training_records"
    __table_args__ = (Index("ix_training_records_user_course", "user", "course_id"),)

    course_id: Mapped[str] = mapped_column(
        ForeignKey("training_courses.id"), index=True, nullable=False
    )
    user: Mapped[str] = mapped_column(String(80), nullable=False)
    attended_on: Mapped[date] = mapped_column(Date, nullable=False)
    trainer: Mapped[str | None] = mapped_column(String(120))
    passed: Mapped[bool | None] = mapped_column(Boolean)  # None: no assessment
    recorded_by: Mapped[str | None] = mapped_column(String(80))
