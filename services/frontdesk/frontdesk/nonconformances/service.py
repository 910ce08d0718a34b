"""Rules of nonconformances (不合格): raised by a round's failed item, rectified when the
department's task is completed (the front desk's own items, which have no task: when the desk
says so, ``rectify``), closed by a passing follow-up check or sent back (the task is reopened)
by a failing one; overdue once per deadline if not rectified by it.

States: open -> rectified -> closed, and rectified -> open (verify failed). The deadline
(``nonconformance_hours`` by severity) runs from when it was raised, and again from a failed
check. Overdue is a mark, not a state (``overdue_at``, set with the one overdue event of a
deadline; a failed check gives a new deadline and clears the mark, so missing that one is
published too): the loop goes on as before. The department's task is made by the department's
own service from the ``raised`` event (``propops.tasks.nonconformances``), and reopened from
``verify_failed`` with the new deadline as its due date. If the department cancels that task
the nonconformance stays open, marked ``task_cancelled_at`` for the supervisor, and the desk may
rectify it itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.inspections.defaults import TASK_DEPARTMENT
from frontdesk.inspections.models import Inspection
from frontdesk.nonconformances.models import (
    CLOSED,
    OPEN,
    RECTIFIED,
    STATES,
    Nonconformance,
    NonconformanceStep,
)
from frontdesk.register.models import Property
from frontdesk.settings import FrontdeskSettings
from propops.auth import Principal, get_visible, scope_to_properties
from propops.db import utcnow
from propops.errors import Conflict, Invalid
from propops.events.catalog import nonconformance_event_type
from propops.events.payloads import NonconformanceChanged, TaskChanged
from propops.lifecycle import Event, Lifecycle
from propops.lists import Filter, ListQuery, ListSpec, boolean
from propops.messaging.outbox import emit
from propops.references import next_reference

PREFIX = "NC"
INSPECTOR = "frontdesk"

NONCONFORMANCE = Lifecycle(
    "nonconformance",
    {
        "rectify": ((OPEN,), RECTIFIED),
        "verify": ((RECTIFIED,), None),  # the check chooses: closed or open
        "overdue": ((OPEN,), None),
        "task_cancelled": ((OPEN,), None),  # a mark: the department gave its task up
    },
)


def payload(
    nc: Nonconformance, actor: str | None, note: str | None = None
) -> NonconformanceChanged:
    return NonconformanceChanged(
        nonconformance_id=nc.id,
        reference=nc.reference,
        inspection_id=nc.inspection_id,
        property_id=nc.property_id,
        department=nc.department,
        task_department=nc.task_department,
        item_code=nc.item_code,
        text=nc.text,
        note=note if note is not None else nc.note,
        location=nc.location,
        severity=nc.severity,
        status=nc.status,
        deadline_at=nc.deadline_at,
        actor=actor,
        at=utcnow(),
    )


def _event(verb: str, actor: str | None, note: str | None = None) -> Any:
    return lambda nc: [
        Event(payload(nc, actor, note), subject=nc.id, event_type=nonconformance_event_type(verb))
    ]


def _step(action: str, actor: str, note: str | None = None) -> Any:
    return lambda nc: NonconformanceStep(
        nonconformance_id=nc.id,
        action=action,
        status=nc.status,
        actor=actor,
        note=note,
        at=utcnow(),
    )


def deadline(settings: FrontdeskSettings, severity: str, start: datetime) -> datetime:
    return start + timedelta(hours=settings.nonconformance_hours.get(severity, 72.0))


async def raise_for(
    session: AsyncSession,
    settings: FrontdeskSettings,
    prop: Property,
    inspection: Inspection,
    item: dict[str, Any],
    result: dict[str, Any],
    *,
    actor: str,
) -> Nonconformance:
    """The nonconformance of one failed item, with its ``raised`` event."""
    department = item.get("department") or inspection.department
    now = utcnow()
    nc = Nonconformance(
        reference=await next_reference(session, PREFIX, prop.id, time_zone=prop.time_zone),
        property_id=inspection.property_id,
        inspection_id=inspection.id,
        department=department,
        task_department=TASK_DEPARTMENT.get(department),
        item_code=item["code"],
        text=f"{item['text_zh']} · {item['text_en']}"[:300],
        note=result.get("note"),
        document_id=result.get("document_id"),
        location=inspection.location,
        severity=result.get("severity") or "minor",
        status=OPEN,
        deadline_at=deadline(settings, result.get("severity") or "minor", now),
    )
    session.add(nc)
    await session.flush()
    session.add(_step("raised", actor, nc.note)(nc))
    emit(session, payload(nc, actor), subject=nc.id, event_type=nonconformance_event_type("raised"))
    await session.flush()
    return nc


async def get(session: AsyncSession, nc_id: str, principal: Principal) -> Nonconformance:
    return await get_visible(
        session, Nonconformance, nc_id, principal, noun="nonconformance", field="nonconformance_id"
    )


async def on_task_completed(session: AsyncSession, task: TaskChanged) -> Nonconformance | None:
    """The department completed the task of a nonconformance: rectified, a check is due.
    A completion of a nonconformance no longer open (a replay) changes nothing."""
    if task.kind != "nonconformance" or not task.source_id:
        return None
    nc = await session.get(Nonconformance, task.source_id)
    if nc is None or not NONCONFORMANCE.can(nc.status, "rectify"):
        return None
    nc.task_id = task.task_id
    nc.rectified_at = task.at
    actor = task.actor or task.department
    await NONCONFORMANCE.apply(
        session,
        nc,
        "rectify",
        step=_step("rectified", actor, task.notes),
        events=_event("rectified", actor, task.notes),
    )
    return nc


async def on_task_cancelled(session: AsyncSession, task: TaskChanged) -> Nonconformance | None:
    """The department cancelled the task of an open nonconformance: it stays open, marked
    (``task_cancelled_at``, a ``task_cancelled`` step with the department's reason) for the
    supervisor, and the desk may now rectify it itself. A replay changes nothing."""
    if task.kind != "nonconformance" or not task.source_id:
        return None
    nc = await session.get(Nonconformance, task.source_id)
    if nc is None or not NONCONFORMANCE.can(nc.status, "task_cancelled"):
        return None
    if nc.task_cancelled_at is not None and nc.task_id == task.task_id:
        return None
    nc.task_id = task.task_id
    nc.task_cancelled_at = task.at
    await NONCONFORMANCE.apply(
        session,
        nc,
        "task_cancelled",
        step=_step("task_cancelled", task.actor or task.department, task.notes),
    )
    return nc


def ensure_desk_owned(nc: Nonconformance) -> None:
    """Only the front desk's own items (no department task), and those whose department
    cancelled its task, are rectified by the desk's word; a department's one is rectified by
    completing its task (409 naming ``task_department``)."""
    if nc.task_department is not None and nc.task_cancelled_at is None:
        raise Conflict(
            f"nonconformance {nc.reference} is put right by {nc.task_department}'s task: it is "
            "rectified when that task is completed",
            field="task_department",
        )


async def rectify(
    session: AsyncSession, nc: Nonconformance, *, notes: str, actor: str
) -> Nonconformance:
    """The desk put right its own item (e.g. the notice boards), or one whose department
    cancelled its task: rectified, a check is due; the same ``rectified`` step and event as a
    department task's completion."""
    what = notes.strip()
    if not what:
        raise Invalid("say what was done to put it right", field="notes")
    ensure_desk_owned(nc)
    NONCONFORMANCE.check(nc, "rectify", hint="only an open nonconformance is rectified")
    nc.rectified_at = utcnow()
    await NONCONFORMANCE.apply(
        session,
        nc,
        "rectify",
        step=_step("rectified", actor, what),
        events=_event("rectified", actor, what),
    )
    return nc


async def verify(
    session: AsyncSession,
    settings: FrontdeskSettings,
    nc: Nonconformance,
    *,
    passed: bool,
    note: str | None,
    actor: str,
) -> Nonconformance:
    """The follow-up check: passed closes it; failed sends it back to the department (open,
    a new deadline, its task reopened by the ``verify_failed`` event)."""
    NONCONFORMANCE.check(nc, "verify", hint="only a rectified nonconformance is checked")
    now = utcnow()
    nc.verify_count += 1
    nc.verify_note = note
    if passed:
        nc.closed_at = now
        await NONCONFORMANCE.apply(
            session,
            nc,
            "verify",
            to=CLOSED,
            step=_step("closed", actor, note),
            events=_event("closed", actor, note),
        )
    else:
        nc.rectified_at = None
        nc.deadline_at = deadline(settings, nc.severity, now)
        nc.overdue_at = None  # the mark was the old deadline's: the new one may be missed too
        await NONCONFORMANCE.apply(
            session,
            nc,
            "verify",
            to=OPEN,
            step=_step("verify_failed", actor, note),
            events=_event("verify_failed", actor, note),
        )
    return nc


async def publish_overdue(session: AsyncSession, now: datetime) -> int:
    """Mark the open nonconformances past their deadline overdue, each once, with its event."""
    late = await session.scalars(
        select(Nonconformance)
        .where(
            Nonconformance.status == OPEN,
            Nonconformance.overdue_at.is_(None),
            Nonconformance.deadline_at < now,
        )
        .order_by(Nonconformance.deadline_at)
        .limit(500)
    )
    count = 0
    for nc in list(late):
        nc.overdue_at = now
        await NONCONFORMANCE.apply(
            session,
            nc,
            "overdue",
            step=_step("overdue", INSPECTOR),
            events=_event("overdue", INSPECTOR),
        )
        count += 1
    return count


def overdue() -> ColumnElement[bool]:
    return and_(Nonconformance.overdue_at.is_not(None), Nonconformance.status != CLOSED)


LIST = ListSpec(
    filters=(
        Filter("property_id", column=Nonconformance.property_id, max_length=36),
        Filter("department", column=Nonconformance.department, max_length=20),
        Filter("status", column=Nonconformance.status, values=STATES),
        Filter("inspection_id", column=Nonconformance.inspection_id, max_length=36),
        Filter(
            "task_cancelled",
            type=bool,
            where=boolean(lambda: Nonconformance.task_cancelled_at.is_not(None)),
            description="only those whose department cancelled its task (false: the others)",
        ),
        Filter(
            "overdue",
            type=bool,
            where=boolean(overdue),
            description="only those marked overdue and not closed (false: the others)",
        ),
    ),
    sort={
        "created_at": Nonconformance.created_at,
        "deadline_at": Nonconformance.deadline_at,
    },
    default_sort="-created_at",
    id_column=Nonconformance.id,
)


def list_query(principal: Principal, query: ListQuery) -> Select[tuple[Nonconformance]]:
    stmt = scope_to_properties(select(Nonconformance), Nonconformance.property_id, principal)
    return LIST.apply(stmt, query)


async def steps(session: AsyncSession, nc_id: str) -> list[NonconformanceStep]:
    return list(
        await session.scalars(
            select(NonconformanceStep)
            .where(NonconformanceStep.nonconformance_id == nc_id)
            .order_by(NonconformanceStep.at)
        )
    )
