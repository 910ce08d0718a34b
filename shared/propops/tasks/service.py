"""Rules of department tasks. Called by the routes, the event handlers and the tests alike.

The state machine (every change appends a history line and emits exactly one ``TaskChanged``
whose verb is the history line's action)::

    assign    open | assigned | in_progress  -> assigned (in_progress stays in_progress)
    start     assigned                       -> in_progress
    complete  in_progress                    -> completed    (resolution notes required)
    reopen    completed                      -> assigned, or open if it has no assignee
    cancel    open | assigned | in_progress  -> cancelled    (reason required)

The table is ``TASK`` (``propops.lifecycle``): anything else is a ``WrongState`` (409) naming
``current_state``, ``action`` and ``allowed_from``, e.g. "task is completed; cannot start". The
version is checked in the UPDATE (``version_id_col``); a stale one is a 412.

Choices:
- ``complete`` needs ``in_progress``: a task is started before it is completed (``started_at``
  is then always known, and "completed without anyone starting it" is a 409 naming the state).
- ``reopen`` (from ``completed``) goes back to ``assigned`` when the task has an assignee (the
  same person fixes their own work), else to ``open``. ``reopen_count`` grows by one;
  ``started_at``, ``completed_at`` and ``resolution_notes`` are cleared (the history keeps them).
- Assigning to the current assignee changes nothing (no history line, no event).
- The assignee must be an active user holding the department's role in the service's copy of
  the gateway's users (``propops.directory``), else 422 naming ``assignee``. Owners named by the
  front desk's events (the dispatch's assignee, a site visit's department head) are taken as
  they come: an event cannot be refused.
- A task created from a dispatch that already names its owner (``assignee`` in the payload, or a
  recorded site visit) is created ``assigned``: one ``created`` event whose status is ``assigned``.

The front desk's events and their order (all rules below are idempotent in effect):
- One live (not cancelled) task per complaint and department, enforced by a unique partial
  index. A dispatch while a live task exists changes nothing; a dispatch no newer than the
  newest task's dispatch (a late repeat after a reroute away) changes nothing either.
- Site visits are kept in ``task_site_visits`` whether or not the task exists yet: a visit after
  the dispatch assigns the live task to the head; a dispatch after the visit creates the task
  already assigned to the head. Either order ends the same. A visit no newer than the one kept
  (a repeat) changes nothing.
- Front-desk cancellations and reroutes older than the task's dispatch, and reopenings older
  than its completion, are repeats of old events and change nothing. (Dispatch, cancel and
  reroute times are all the front desk's clock; a reopening is compared with the department's
  completion time, so the two clocks must agree to within the time a callback takes.)
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import structlog
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from propops.auth import Principal, check_property, scope_to_properties
from propops.db import new_id, utcnow
from propops.directory.service import require_member
from propops.errors import Invalid, NotFound
from propops.events.catalog import TASK_DEPARTMENTS, task_event_type
from propops.events.payloads import ComplaintChanged, Contact, Place, SiteVisited, TaskChanged
from propops.lifecycle import Event, Lifecycle
from propops.lifecycle import check_version as check_version_of
from propops.lists import Filter, ListQuery, ListSpec, before_instant, from_instant
from propops.messaging.outbox import emit
from propops.references import next_reference
from propops.tasks.models import (
    ASSIGNED,
    CANCELLED,
    COMPLAINT,
    COMPLETED,
    IN_PROGRESS,
    OPEN,
    REFERENCE_PREFIXES,
    STATUSES,
    TASK_KINDS,
    SiteVisit,
    Task,
    TaskHistory,
)
from propops.timezones import DEFAULT_TIME_ZONE, is_valid_time_zone

log = structlog.get_logger("propops.tasks")

FRONTDESK = "frontdesk"  # the actor of changes the front desk's events make

TASK = Lifecycle(
    "task",
    {
        # action: (allowed from, next state; None keeps the state or the rule chooses)
        "assign": ((OPEN, ASSIGNED, IN_PROGRESS), None),
        "start": ((ASSIGNED,), IN_PROGRESS),
        "complete": ((IN_PROGRESS,), COMPLETED),
        "reopen": ((COMPLETED,), None),
        "cancel": ((OPEN, ASSIGNED, IN_PROGRESS), CANCELLED),
    },
)
_HINTS: dict[tuple[str, str], str] = {
    ("start", OPEN): "assign it first",
    ("complete", OPEN): "assign and start it first",
    ("complete", ASSIGNED): "start it first",
}


def label(department: str) -> str:
    """What the department calls a task: "work order" at engineering, else "task"."""
    return "work order" if TASK_DEPARTMENTS.get(department) == "workorder" else "task"


def ensure_can(task: Task, action: str) -> None:
    """Raise ``WrongState`` (409: ``current_state``, ``action``, ``allowed_from``) if ``action``
    is not allowed in the task's state."""
    TASK.check(task, action, noun=label(task.department), hint=_HINTS.get((action, task.status)))


def check_version(task: Task, expected: int | None) -> None:
    """Optimistic concurrency: the caller's version (``If-Match`` / ``version``) must be current
    (412 ``PreconditionFailed``: ``current_version``, ``expected_version``)."""
    check_version_of(task, expected, label(task.department))


def as_utc(value: datetime) -> datetime:
    """Event times are UTC; one sent without a zone is read as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _required(value: str | None, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise Invalid(f"{field} must not be empty", field=field)
    return text


def _line_and_event(
    task: Task,
    verb: str,
    *,
    actor: str,
    notes: str | None,
    at: datetime,
) -> tuple[TaskHistory, Event]:
    """The history line and the one event of a change, as the task stands now."""
    line = TaskHistory(
        task_id=task.id, at=at, actor=actor, action=verb, status=task.status, notes=notes
    )
    event = Event(
        TaskChanged(
            task_id=task.id,
            reference=task.reference,
            department=task.department,
            property_id=task.property_id,
            complaint_id=task.complaint_id,
            status=task.status,
            assignee=task.assignee,
            notes=notes,
            actor=actor,
            at=at,
            kind=task.kind,
            source_id=task.source_id,
            source_key=task.source_key,
            asset_id=task.asset_id,
        ),
        subject=task.id,
        event_type=task_event_type(task.department, verb),
    )
    return line, event


async def _apply(
    session: AsyncSession,
    task: Task,
    action: str,
    verb: str,
    *,
    actor: str,
    to: str | None = None,
    notes: str | None = None,
    at: datetime | None = None,
) -> Task:
    """One transition through ``TASK.apply``: the state checked, the history line and the
    event added, the version checked and bumped in the UPDATE, in the caller's transaction."""
    when = at or utcnow()
    task.updated_at = when

    def made(t: Task) -> tuple[TaskHistory, Event]:
        return _line_and_event(t, verb, actor=actor, notes=notes, at=when)

    return await TASK.apply(
        session,
        task,
        action,
        to=to,
        noun=label(task.department),
        hint=_HINTS.get((action, task.status)),
        step=lambda t: made(t)[0],
        events=lambda t: [made(t)[1]],
    )


# --- transitions -------------------------------------------------------------------------


async def assign(
    session: AsyncSession,
    task: Task,
    assignee: str,
    *,
    actor: str,
    notes: str | None = None,
    checked: bool = True,
) -> Task:
    """``checked``: the assignee must be an active member of the department (a person's
    choice); ``False`` for an owner named by the front desk's event."""
    who = _required(assignee, "assignee")
    ensure_can(task, "assign")
    if task.assignee == who:
        return task
    if checked:
        await require_member(session, who, task.department, field="assignee")
    task.assignee = who
    to = ASSIGNED if task.status == OPEN else None
    return await _apply(session, task, "assign", "assigned", actor=actor, to=to, notes=notes)


async def start(session: AsyncSession, task: Task, *, actor: str) -> Task:
    ensure_can(task, "start")
    task.started_at = now = utcnow()
    return await _apply(session, task, "start", "started", actor=actor, at=now)


async def complete(session: AsyncSession, task: Task, resolution_notes: str, *, actor: str) -> Task:
    notes = _required(resolution_notes, "resolution_notes")
    ensure_can(task, "complete")
    task.completed_at = now = utcnow()
    task.resolution_notes = notes
    return await _apply(
        session,
        task,
        "complete",
        "completed",
        actor=actor,
        notes=notes,
        at=now,
    )


async def reopen(
    session: AsyncSession,
    task: Task,
    reason: str,
    *,
    actor: str,
    due_at: datetime | None = None,
) -> Task:
    """Back to work (to its assignee, if any); ``due_at``: a new due date the asker set (a
    nonconformance's new deadline after a failed check), else the due date stays."""
    why = _required(reason, "reason")
    ensure_can(task, "reopen")
    if due_at is not None:
        task.due_at = due_at
    task.reopen_count += 1
    task.started_at = None
    task.completed_at = None
    task.resolution_notes = None
    return await _apply(
        session,
        task,
        "reopen",
        "reopened",
        actor=actor,
        to=ASSIGNED if task.assignee else OPEN,
        notes=why,
    )


async def cancel(session: AsyncSession, task: Task, reason: str, *, actor: str) -> Task:
    why = _required(reason, "reason")
    ensure_can(task, "cancel")
    task.cancelled_at = now = utcnow()
    return await _apply(session, task, "cancel", "cancelled", actor=actor, notes=why, at=now)


# --- reads ---------------------------------------------------------------------------------


async def get(
    session: AsyncSession, department: str, task_id: str, principal: Principal | None = None
) -> Task:
    task = await session.get(Task, task_id)
    if task is None or task.department != department:
        raise NotFound(f"{label(department)} {task_id} not found", field="task_id")
    if principal is not None:
        check_property(principal, task.property_id)
    return task


async def history(session: AsyncSession, task_id: str) -> list[TaskHistory]:
    rows = await session.scalars(
        select(TaskHistory).where(TaskHistory.task_id == task_id).order_by(TaskHistory.seq)
    )
    return list(rows.all())


LIST = ListSpec(
    filters=(
        Filter("complaint_id", column=Task.complaint_id, max_length=36),
        Filter("status", column=Task.status, values=STATUSES),
        Filter(
            "assignee",
            column=Task.assignee,
            max_length=100,
            description="a username, or `me` (the caller)",
        ),
        Filter("property_id", column=Task.property_id, max_length=36),
        Filter("kind", column=Task.kind, values=TASK_KINDS, description="the work kind"),
        Filter(
            "asset_id",
            column=Task.asset_id,
            max_length=36,
            description="work on this equipment or cleaning area",
        ),
        Filter(
            "source_id",
            column=Task.source_id,
            max_length=36,
            description="work asked for by this record (a plan, a paid service...)",
        ),
        Filter(
            "reference",
            where=lambda value: Task.reference == value.strip().upper(),
            max_length=20,
            description="exactly this reference, e.g. W-2026-00007 (any case)",
        ),
        Filter(
            "created_from",
            where=from_instant(Task.created_at),
            type=datetime,
            description="created at or after this instant (ISO 8601; UTC without an offset)",
        ),
        Filter(
            "created_before",
            where=before_instant(Task.created_at),
            type=datetime,
            description="created before this instant",
        ),
        Filter(
            "completed_from",
            where=lambda value: completed_within(value, None),
            type=datetime,
            description="completed at or after this instant (with `completed_before`: within "
            "the window), whether or not reopened since",
        ),
        Filter(
            "completed_before",
            where=lambda value: completed_within(None, value),
            type=datetime,
            description="completed before this instant, whether or not reopened since",
        ),
    ),
    sort={
        "created_at": Task.created_at,
        "reference": Task.reference,
        "updated_at": Task.updated_at,
        "due_at": Task.due_at,
        "status": Task.status,
        "priority": Task.priority,
    },
    default_sort="-created_at",
    id_column=Task.id,
)


def completed_within(start: datetime | None, end: datetime | None) -> ColumnElement[bool]:
    """The task was completed at least once from ``start`` (included) to ``end`` (excluded):
    a completion line of its history, which a reopening keeps (it clears ``completed_at``), so
    a day's completions stay counted when the work is reopened later."""
    line = select(TaskHistory.seq).where(
        TaskHistory.task_id == Task.id, TaskHistory.action == COMPLETED
    )
    if start is not None:
        line = line.where(TaskHistory.at >= as_utc(start))
    if end is not None:
        line = line.where(TaskHistory.at < as_utc(end))
    return line.exists()


COMPLETION_WINDOW = ("completed_from", "completed_before")


def list_query(
    department: str, principal: Principal, query: ListQuery | None = None
) -> Select[tuple[Task]]:
    stmt = select(Task).where(Task.department == department)
    query = query or LIST.query()
    filters = dict(query.filters)
    if filters.get("assignee") == "me":
        filters["assignee"] = principal.username
    if all(name in filters for name in COMPLETION_WINDOW):  # one completion within both bounds
        start, end = (filters.pop(name) for name in COMPLETION_WINDOW)
        stmt = stmt.where(completed_within(start, end))
    query = replace(query, filters=filters)
    return LIST.apply(scope_to_properties(stmt, Task.property_id, principal), query)


async def live_task(session: AsyncSession, department: str, complaint_id: str) -> Task | None:
    """The complaint's task that is not cancelled (at most one: a unique index says so)."""
    return await session.scalar(
        select(Task).where(
            Task.department == department,
            Task.complaint_id == complaint_id,
            Task.status != CANCELLED,
        )
    )


# --- the front desk's events ------------------------------------------------------------


def _title(complaint: ComplaintChanged) -> str:
    lines = (complaint.description or "").strip().splitlines()
    if lines and lines[0].strip():
        return lines[0].strip()[:200]
    where = f" at {complaint.location}" if complaint.location else ""
    return f"Complaint{where}"[:200]


def _clip(text: str | None, limit: int) -> str | None:
    return None if text is None else text[:limit]


async def _is_repeat_dispatch(
    session: AsyncSession, department: str, complaint: ComplaintChanged
) -> bool:
    newest = await session.scalar(
        select(func.max(Task.dispatched_at)).where(
            Task.department == department, Task.complaint_id == complaint.complaint_id
        )
    )
    return newest is not None and as_utc(complaint.at) <= newest


async def create_from_dispatch(
    session: AsyncSession, department: str, complaint: ComplaintChanged
) -> Task | None:
    """Make the task of a complaint dispatched to ``department``, once: the live task if there
    is one, ``None`` for a late repeat of an older dispatch, else a new task (assigned to the
    head if a site visit is known, else to the payload's assignee, if any)."""
    live = await live_task(session, department, complaint.complaint_id)
    if live is not None:
        return live
    if await _is_repeat_dispatch(session, department, complaint):
        log.info("dispatch_repeat_ignored", complaint_id=complaint.complaint_id)
        return None
    visit = await session.get(SiteVisit, (department, complaint.complaint_id))
    assignee = visit.department_head if visit else complaint.assignee
    now = utcnow()
    place = complaint.place or Place(location=complaint.location)
    contact = complaint.contact or Contact()
    task = Task(
        id=new_id(),
        reference=await new_reference(
            session, department, complaint.property_id, place.time_zone, at=now
        ),
        department=department,
        property_id=complaint.property_id,
        complaint_id=complaint.complaint_id,
        complaint_reference=_clip(complaint.reference, 20),
        title=_title(complaint),
        description=complaint.description,
        # clipped to the columns: an event from elsewhere must not fail the handler forever
        property_name=_clip(place.property_name, 200),
        building=_clip(place.building, 60),
        unit_number=_clip(place.unit_number, 40),
        floor=place.floor,
        location=_clip(place.location or complaint.location, 200),
        contact_name=_clip(contact.name, 200),
        contact_phone=_clip(contact.phone, 40),
        unit_id=complaint.unit_id,
        nature=complaint.nature,
        complaint_kind=complaint.kind,
        kind=COMPLAINT,
        priority=complaint.priority,
        status=ASSIGNED if assignee else OPEN,
        assignee=assignee,
        due_at=as_utc(complaint.resolution_due) if complaint.resolution_due else None,
        dispatched_at=as_utc(complaint.at),
        created_at=now,
        updated_at=now,
    )
    notes = f"site visit by {visit.department_head}: {visit.findings}" if visit else None
    return await add_created(session, task, actor=complaint.actor or FRONTDESK, notes=notes)


async def new_reference(
    session: AsyncSession,
    department: str,
    property_id: str,
    time_zone: str | None,
    *,
    at: datetime,
) -> str:
    """The next reference of the department's tasks at the property (the year in the
    property's time zone; the default zone if the one given is not valid)."""
    zone_name = time_zone if is_valid_time_zone(time_zone or "") else DEFAULT_TIME_ZONE
    prefix = REFERENCE_PREFIXES[department]
    return await next_reference(session, prefix, property_id, time_zone=zone_name, at=at)


async def add_created(
    session: AsyncSession, task: Task, *, actor: str, notes: str | None = None
) -> Task:
    """Insert a new task with its ``created`` history line and event (flushed: a unique
    violation is raised here, in the caller's transaction or savepoint)."""
    session.add(task)
    await session.flush()
    line, event = _line_and_event(task, "created", actor=actor, notes=notes, at=task.created_at)
    session.add(line)
    emit(session, event.payload, subject=event.subject, event_type=event.event_type)
    await session.flush()
    return task


async def _keep_visit(session: AsyncSession, department: str, visit: SiteVisited) -> bool:
    """Store the visit; False if it is not newer than the one already kept (a repeat)."""
    kept = await session.get(SiteVisit, (department, visit.complaint_id))
    visited_at = as_utc(visit.visited_at)
    if kept is not None and visited_at <= kept.visited_at:
        return False
    if kept is None:
        kept = SiteVisit(department=department, complaint_id=visit.complaint_id)
        session.add(kept)
    kept.department_head = visit.department_head
    kept.visited_at = visited_at
    kept.findings = visit.findings
    kept.recorded_at = utcnow()
    return True


async def apply_site_visit(
    session: AsyncSession, department: str, visit: SiteVisited
) -> Task | None:
    """The head visited the site: they own the complaint's task, now or when it is created."""
    if not await _keep_visit(session, department, visit):
        return None
    task = await live_task(session, department, visit.complaint_id)
    if task is None:
        log.info("site_visit_kept_for_dispatch", complaint_id=visit.complaint_id)
        return None
    if not TASK.can(task.status, "assign"):
        log.info("site_visit_after_task_closed", task_id=task.id, status=task.status)
        return task
    return await assign(
        session,
        task,
        visit.department_head,
        actor=FRONTDESK,
        notes=f"site visit: {visit.findings}" if visit.findings else "site visit",
        checked=False,
    )


async def cancel_for_complaint(
    session: AsyncSession,
    department: str,
    complaint_id: str,
    reason: str,
    *,
    actor: str,
    at: datetime,
) -> Task | None:
    """The front desk cancelled or rerouted the complaint: cancel its live task, if any."""
    task = await live_task(session, department, complaint_id)
    if task is None:
        log.info("cancel_without_live_task", complaint_id=complaint_id)
        return None
    if task.dispatched_at is not None and as_utc(at) < task.dispatched_at:
        log.info("cancel_older_than_dispatch", task_id=task.id)
        return None
    if not TASK.can(task.status, "cancel"):
        log.info("cancel_of_closed_task_ignored", task_id=task.id, status=task.status)
        return None
    return await cancel(session, task, reason, actor=actor)


async def reopen_for_complaint(
    session: AsyncSession,
    department: str,
    complaint_id: str,
    reason: str,
    *,
    actor: str,
    at: datetime,
) -> Task | None:
    """The front desk reopened the complaint (unsatisfied callback): reopen its completed task."""
    task = await live_task(session, department, complaint_id)
    if task is None or task.status != COMPLETED:
        log.info("reopen_without_completed_task", complaint_id=complaint_id)
        return None
    if task.completed_at is not None and as_utc(at) < task.completed_at:
        log.info("reopen_older_than_completion", task_id=task.id)
        return None
    return await reopen(session, task, reason, actor=actor)
