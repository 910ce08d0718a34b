"""Department tasks (engineering calls them work orders), their timeline, and site visits.

The tables have their own metadata and their own Alembic history (version table
``alembic_version_propops_tasks``), applied only in the databases of services that use tasks,
after the messaging tables and before the service's own.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from propops.db import UTCDateTime, make_base, new_id, utcnow

TasksBase = make_base()

BigIntId = BigInteger().with_variant(Integer, "sqlite")

OPEN = "open"
ASSIGNED = "assigned"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
CANCELLED = "cancelled"
STATUSES: tuple[str, ...] = (OPEN, ASSIGNED, IN_PROGRESS, COMPLETED, CANCELLED)

LIVE_COMPLAINT_INDEX = "uq_tasks_live_complaint"
SOURCE_KEY_INDEX = "uq_tasks_source_key"

# The work kinds: what asked for the work. ``complaint`` is every task made from a dispatch; the
# others are generated or requested by a department's own records (``source_id``).
COMPLAINT = "complaint"
TASK_KINDS: tuple[str, ...] = (
    COMPLAINT,
    "paid_service",  # a resident's paid service request (front desk)
    "preventive",  # a maintenance plan's occurrence (engineering)
    "nonconformance",  # a nonconformance's corrective action
    "scheduled",  # a cleaning schedule's occurrence
    "hygiene",  # a failed hygiene check
    "damage",  # venue damage found at check-out
)

# The reference prefix of each department's tasks: W-2026-00007 is an engineering work order.
REFERENCE_PREFIXES: dict[str, str] = {
    "engineering": "W",
    "cleaning": "CL",
    "security": "SE",
    "leasing": "LE",
    "fees": "FE",
}


class Task(TasksBase):
    """One department's piece of work, usually made from a dispatched complaint."""

    __tablename__ = "tasks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    department: Mapped[str] = mapped_column(String(20), nullable=False)
    property_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    complaint_id: Mapped[str | None] = mapped_column(String(36), index=True)
    # what the department quotes: W-2026-00007 (prefix by department: REFERENCE_PREFIXES)
    reference: Mapped[str | None] = mapped_column(String(20), index=True)
    complaint_reference: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    # where to go, copied from the dispatch event (the register as it was then)
    property_name: Mapped[str | None] = mapped_column(String(200))
    building: Mapped[str | None] = mapped_column(String(60))
    unit_number: Mapped[str | None] = mapped_column(String(40))
    floor: Mapped[int | None] = mapped_column(Integer)
    location: Mapped[str | None] = mapped_column(String(200))
    unit_id: Mapped[str | None] = mapped_column(String(36))
    # who to call (the complainant), copied from the dispatch event
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    nature: Mapped[str | None] = mapped_column(String(20))
    # the complaint's kind (help | consult | vent), copied from the dispatch event
    complaint_kind: Mapped[str | None] = mapped_column(String(20))
    # the work kind (TASK_KINDS) and what asked for it
    kind: Mapped[str] = mapped_column(
        String(20), index=True, nullable=False, default=COMPLAINT, server_default=COMPLAINT
    )
    # the record that asked for the work: a paid service, a maintenance plan, a schedule...
    source_id: Mapped[str | None] = mapped_column(String(36), index=True)
    # the idempotency key of generated work, e.g. ``preventive:<plan_id>:2026-12-01``
    source_key: Mapped[str | None] = mapped_column(String(200))
    # the equipment or cleaning area the work is on
    asset_id: Mapped[str | None] = mapped_column(String(36), index=True)
    priority: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True, nullable=False, default=OPEN)
    assignee: Mapped[str | None] = mapped_column(String(100), index=True)
    resolution_notes: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The front desk's time of the dispatch: orders the front desk's later events against it.
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopen_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    # Every UPDATE checks and bumps the version: two writers never both win.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        # Exactly one live (not cancelled) task per complaint in a department.
        Index(
            LIVE_COMPLAINT_INDEX,
            "department",
            "complaint_id",
            unique=True,
            sqlite_where=text("status <> 'cancelled'"),
            postgresql_where=text("status <> 'cancelled'"),
        ),
        Index("uq_tasks_reference", "property_id", "reference", unique=True),
        # Generated work exactly once per occurrence: one task per source key in a department.
        Index(
            SOURCE_KEY_INDEX,
            "department",
            "source_key",
            unique=True,
            sqlite_where=text("source_key IS NOT NULL"),
            postgresql_where=text("source_key IS NOT NULL"),
        ),
    )


class TaskHistory(TasksBase):
    """One line of a task's timeline: who did what, when, with which notes."""

    __tablename__ = "task_history"

    seq: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id"), index=True, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    actor: Mapped[str] = mapped_column(String(100), nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    notes: Mapped[str | None] = mapped_column(Text)


class SiteVisit(TasksBase):
    """The latest site visit of a department head to a complaint, kept whether or not the
    complaint's task exists yet, so dispatch and site visit may arrive in either order."""

    __tablename__ = "task_site_visits"

    department: Mapped[str] = mapped_column(String(20), primary_key=True)
    complaint_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    department_head: Mapped[str] = mapped_column(String(100), nullable=False)
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    findings: Mapped[str] = mapped_column(Text, nullable=False, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
