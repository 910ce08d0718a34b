"""Work a department's own records ask for: a paid service, a maintenance plan's occurrence, a
nonconformance, a cleaning schedule, a failed hygiene check, venue damage.

``create_task(session, department, NewTask(...))`` makes the task (reference, ``created``
history line and event, in the caller's transaction). Generated work carries a ``source_key``
(e.g. ``preventive:<plan_id>:2026-12-01``): one task per key and department, whoever asks and
however often. The key is looked up first; a concurrent insert of the same key (another
replica, a retried job) loses on the unique index inside a savepoint, which takes back its
reference number too, and the winner's task is returned. Either way the caller gets the one
task and nothing else is written.

``cancel_by_source`` / ``reopen_by_source`` are for event handlers of the asking record (the
paid service was withdrawn; the nonconformance failed verification): they change the task of a
key if its state allows, and otherwise log and return ``None`` (an event that can never succeed
must not be retried). Reopening applies to a completed task only: an open or running task is
already what a reopening asks for, and a cancelled one stays cancelled (cancelling is final).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import structlog
from pydantic import AfterValidator, BaseModel, Field, StringConstraints
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from propops.db import new_id, utcnow
from propops.tasks import service
from propops.tasks.models import ASSIGNED, COMPLETED, OPEN, REFERENCE_PREFIXES, TASK_KINDS, Task

log = structlog.get_logger("propops.tasks")

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _known_kind(kind: str) -> str:
    if kind not in TASK_KINDS:
        raise ValueError(f"kind must be one of {', '.join(TASK_KINDS)}")
    return kind


class NewTask(BaseModel):
    """A task to make. Texts longer than their columns are clipped (they may come from another
    service's event); ``assignee`` is taken as given (check a person's choice with
    ``propops.directory.service.require_member`` first); ``time_zone`` is the property's, for
    the reference's year."""

    property_id: str = Field(min_length=1, max_length=36)
    kind: Annotated[str, AfterValidator(_known_kind)]
    title: Text
    description: str | None = None
    property_name: str | None = None
    building: str | None = None
    unit_number: str | None = None
    floor: int | None = None
    location: str | None = None
    unit_id: str | None = Field(default=None, max_length=36)
    contact_name: str | None = None
    contact_phone: str | None = None
    priority: str | None = Field(default=None, max_length=20)
    due_at: datetime | None = None
    assignee: str | None = Field(default=None, max_length=100)
    source_id: str | None = Field(default=None, max_length=36)
    source_key: str | None = Field(default=None, min_length=1, max_length=200)
    asset_id: str | None = Field(default=None, max_length=36)
    actor: Text
    time_zone: str | None = None


def _clip(value: str | None, limit: int) -> str | None:
    return None if value is None else value[:limit]


async def by_source_key(session: AsyncSession, department: str, source_key: str) -> Task | None:
    return await session.scalar(
        select(Task).where(Task.department == department, Task.source_key == source_key)
    )


async def _open_transaction(session: AsyncSession) -> None:
    """SQLite's driver opens a transaction only before a write: make sure one is open, so the
    savepoint below is nested in it (an outermost SAVEPOINT's release would commit)."""
    if session.bind is not None and session.bind.dialect.name == "sqlite":
        await session.execute(text("UPDATE tasks SET id = id WHERE 1 = 0"))


def _task(department: str, new: NewTask, reference: str, now: datetime) -> Task:
    return Task(
        id=new_id(),
        reference=reference,
        department=department,
        property_id=new.property_id,
        kind=new.kind,
        title=new.title[:200],
        description=new.description,
        property_name=_clip(new.property_name, 200),
        building=_clip(new.building, 60),
        unit_number=_clip(new.unit_number, 40),
        floor=new.floor,
        location=_clip(new.location, 200),
        unit_id=new.unit_id,
        contact_name=_clip(new.contact_name, 200),
        contact_phone=_clip(new.contact_phone, 40),
        priority=new.priority,
        status=ASSIGNED if new.assignee else OPEN,
        assignee=new.assignee,
        due_at=service.as_utc(new.due_at) if new.due_at else None,
        source_id=new.source_id,
        source_key=new.source_key,
        asset_id=new.asset_id,
        created_at=now,
        updated_at=now,
    )


async def create_task(session: AsyncSession, department: str, new: NewTask) -> Task:
    """The task of ``new`` in ``department``: made now, or the one already made for its
    ``source_key``. Never commits."""
    if department not in REFERENCE_PREFIXES:
        raise ValueError(f"{department!r} has no tasks")
    if new.source_key is not None:
        found = await by_source_key(session, department, new.source_key)
        if found is not None:
            return found
    await _open_transaction(session)
    now = utcnow()
    try:
        async with session.begin_nested():
            reference = await service.new_reference(
                session, department, new.property_id, new.time_zone, at=now
            )
            task = _task(department, new, reference, now)
            return await service.add_created(session, task, actor=new.actor)
    except IntegrityError:
        if new.source_key is None:
            raise
        found = await by_source_key(session, department, new.source_key)
        if found is None:
            raise
        log.info("generated_task_made_concurrently", task_id=found.id, key=new.source_key)
        return found


async def cancel_by_source(
    session: AsyncSession, department: str, source_key: str, reason: str, *, actor: str
) -> Task | None:
    """Cancel the task of ``source_key`` unless it is already closed; ``None`` if nothing
    changed (no such task, or completed or cancelled already)."""
    task = await by_source_key(session, department, source_key)
    if task is None:
        log.info("cancel_by_source_without_task", key=source_key)
        return None
    if not service.TASK.can(task.status, "cancel"):
        log.info("cancel_by_source_ignored", task_id=task.id, status=task.status)
        return None
    return await service.cancel(
        session, task, reason or "cancelled by the record that asked for it", actor=actor
    )


async def reopen_by_source(
    session: AsyncSession,
    department: str,
    source_key: str,
    reason: str,
    *,
    actor: str,
    due_at: datetime | None = None,
) -> Task | None:
    """Reopen the completed task of ``source_key`` (``due_at``: the asker's new due date, if it
    set one); ``None`` if nothing changed (no such task, still open or running, or cancelled)."""
    task = await by_source_key(session, department, source_key)
    if task is None or task.status != COMPLETED:
        log.info("reopen_by_source_ignored", key=source_key, status=task and task.status)
        return None
    return await service.reopen(
        session,
        task,
        reason or "reopened by the record that asked for it",
        actor=actor,
        due_at=due_at,
    )
