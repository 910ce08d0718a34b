"""The roster: shifts of guards at posts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from propops.db import IdMixin, TimestampMixin, UTCDateTime
from security.db import Base


class Shift(IdMixin, TimestampMixin, Base):
    __tablename__ = "shifts"

    post_id: Mapped[str] = mapped_column(ForeignKey("posts.id"), index=True, nullable=False)
    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    guard: Mapped[str] = mapped_column(String(80), nullable=False)  # a directory user name
    start: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    end: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_by: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (
        CheckConstraint('"end" > start', name="shift_ends_after_start"),
        Index("ix_shifts_guard_start", "guard", "start"),
        Index("ix_shifts_post_start", "post_id", "start"),
    )


class GuardLock(Base):
    """One row per guard, written first by every roster change of that guard: the changes of
    one guard take turns (a row lock on PostgreSQL, the write lock on SQLite), so two requests
    can never both pass the clash check."""

    __tablename__ = "guard_locks"

    guard: Mapped[str] = mapped_column(String(80), primary_key=True)
    changes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
