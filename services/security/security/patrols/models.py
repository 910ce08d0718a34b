"""Patrols (巡邏): routes with checkpoints (巡更點) on a schedule, the runs guards walk, the
scans of each checkpoint, and the missed patrols published (one row per occurrence)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from propops.db import IdMixin, TimestampMixin, UTCDateTime
from propops.timezones import DEFAULT_TIME_ZONE
from security.db import Base

IN_PROGRESS = "in_progress"
COMPLETED = "completed"  # every checkpoint scanned
INCOMPLETE = "incomplete"  # finished with checkpoints missed
RUN_STATUSES = (IN_PROGRESS, COMPLETED, INCOMPLETE)


class PatrolRoute(IdMixin, TimestampMixin, Base):
    __tablename__ = "patrol_routes"

    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    checkpoints: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)
    rrule: Mapped[str] = mapped_column(String(500), nullable=False)
    window_minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    time_zone: Mapped[str] = mapped_column(
        String(64), nullable=False, default=DEFAULT_TIME_ZONE, server_default=DEFAULT_TIME_ZONE
    )
    created_by: Mapped[str | None] = mapped_column(String(100))
    # the missed-patrol sweep's watermark: occurrences before it were looked at (exclusive end)
    swept_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PatrolRun(IdMixin, TimestampMixin, Base):
    __tablename__ = "patrol_runs"

    route_id: Mapped[str] = mapped_column(ForeignKey("patrol_routes.id"), nullable=False)
    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    # the scheduled start this run walks (none: a patrol outside the schedule)
    occurrence_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=IN_PROGRESS)
    guard: Mapped[str] = mapped_column(String(100), nullable=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        # one run per scheduled occurrence
        Index(
            "uq_patrol_runs_occurrence",
            "route_id",
            "occurrence_at",
            unique=True,
            sqlite_where=text("occurrence_at IS NOT NULL"),
            postgresql_where=text("occurrence_at IS NOT NULL"),
        ),
        Index("ix_patrol_runs_route_started", "route_id", "started_at"),
    )


class PatrolScan(IdMixin, Base):
    """A checkpoint scanned on a run (its history: one row per scan)."""

    __tablename__ = "patrol_scans"

    run_id: Mapped[str] = mapped_column(ForeignKey("patrol_runs.id"), index=True, nullable=False)
    checkpoint_code: Mapped[str] = mapped_column(String(40), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ok: Mapped[bool] = mapped_column(Boolean, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    scanned_by: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (UniqueConstraint("run_id", "checkpoint_code", name="uq_patrol_scan_once"),)


class MissedPatrol(IdMixin, Base):
    """A missed patrol published: the unique ``key`` (route and occurrence, or run) makes the
    event once per occurrence whatever re-runs the sweep or finishes the run."""

    __tablename__ = "missed_patrols"

    key: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    route_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    property_id: Mapped[str] = mapped_column(String(36), nullable=False)
    occurrence_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    run_id: Mapped[str | None] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(String(30), nullable=False)
    missed_checkpoints: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
