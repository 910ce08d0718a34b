"""Nonconformances (不合格): an inspection item that failed, until its follow-up check passes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db import Base
from propops.db import IdMixin, TimestampMixin, UTCDateTime

OPEN = "open"
RECTIFIED = "rectified"
CLOSED = "closed"
STATES = (OPEN, RECTIFIED, CLOSED)
SEVERITIES = ("minor", "major")


class Nonconformance(IdMixin, TimestampMixin, Base):
    __tablename__ = "nonconformances"
    # one per failed item of a round: a second submit cannot raise it twice
    __table_args__ = (
        UniqueConstraint("inspection_id", "item_code", name="uq_nonconformances_item"),
    )

    reference: Mapped[str] = mapped_column(String(20), index=True, nullable=False)
    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    inspection_id: Mapped[str] = mapped_column(
        ForeignKey("inspections.id"), index=True, nullable=False
    )
    department: Mapped[str] = mapped_column(String(20), index=True, nullable=False)
    task_department: Mapped[str | None] = mapped_column(String(20))
    item_code: Mapped[str] = mapped_column(String(40), nullable=False)
    text: Mapped[str] = mapped_column(String(300), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    document_id: Mapped[str | None] = mapped_column(String(36))
    location: Mapped[str | None] = mapped_column(String(200))
    severity: Mapped[str] = mapped_column(String(10), nullable=False)
    status: Mapped[str] = mapped_column(String(12), index=True, nullable=False, default=OPEN)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True, nullable=False)
    # set with the one overdue event of a deadline; a failed check (new deadline) clears it
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    task_id: Mapped[str | None] = mapped_column(String(36))
    # the department cancelled its task: nothing will rectify it but the desk (flag for the
    # supervisor); the reason is the ``task_cancelled`` step's note
    task_cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rectified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verify_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    verify_note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class NonconformanceStep(IdMixin, Base):
    """The history: raised, rectified, verify_failed, closed, overdue, task_cancelled."""

    __tablename__ = "nonconformance_steps"

    nonconformance_id: Mapped[str] = mapped_column(
        ForeignKey("nonconformances.id"), index=True, nullable=False
    )
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False)
    actor: Mapped[str] = mapped_column(String(120), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
