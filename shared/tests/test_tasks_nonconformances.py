"""Every department's tasks make one task of a nonconformance raised for it (greening's come to
cleaning), and reopen it, due by the new deadline, when the follow-up check fails."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from propops.db import Database
from propops.directory import DIRECTORY_SCRIPTS, DIRECTORY_VERSION_TABLE
from propops.events import new_event
from propops.events.catalog import nonconformance_event_type
from propops.events.payloads import NonconformanceChanged
from propops.messaging.subscriptions import handlers_by_type
from propops.migrations import upgrade
from propops.tasks import service as rules
from propops.tasks import task_feature
from propops.tasks.handlers import task_subscriptions
from propops.tasks.models import Task

DEPT = "cleaning"


@pytest.fixture
async def db(make_db_url: Callable[[str], Awaitable[str]]) -> AsyncIterator[Database]:
    database = Database(await make_db_url("tasks"))
    await upgrade(
        database.engine,
        None,
        "tasks",
        [(DIRECTORY_SCRIPTS, DIRECTORY_VERSION_TABLE), task_feature(DEPT, "tasks").migrations],
    )
    yield database
    await database.dispose()


def nonconformance(task_department: str | None, **fields: object) -> NonconformanceChanged:
    now = datetime.now(UTC)
    values: dict[str, object] = {
        "nonconformance_id": str(uuid.uuid4()),
        "reference": "NC-2026-00001",
        "inspection_id": str(uuid.uuid4()),
        "property_id": "p-1",
        "department": "greening",
        "task_department": task_department,
        "item_code": "maintenance",
        "text": "綠化養護 · Maintenance of plants",
        "note": "dead shrubs by gate 2",
        "location": "Gate 2",
        "severity": "major",
        "status": "open",
        "deadline_at": now + timedelta(hours=24),
        "actor": "sup-ho",
        "at": now,
    }
    values.update(fields)
    return NonconformanceChanged.model_validate(values)


async def deliver(db: Database, verb: str, nc: NonconformanceChanged) -> None:
    handlers = handlers_by_type(task_subscriptions(DEPT))
    event_type = nonconformance_event_type(verb)
    async with db.sessions() as session:
        event = new_event(nc, subject=nc.nonconformance_id, event_type=event_type)
        await handlers[event_type](session, nc, event)
        await session.commit()


async def tasks_of(db: Database, nc_id: str) -> list[Task]:
    async with db.sessions() as session:
        return list(await session.scalars(select(Task).where(Task.source_id == nc_id)))


async def test_a_raised_nonconformance_becomes_one_task_and_a_failed_check_reopens_it(
    db: Database,
) -> None:
    nc = nonconformance("cleaning")
    await deliver(db, "raised", nc)
    await deliver(db, "raised", nc)  # a redelivery (or a replayed dead letter) adds nothing
    [task] = await tasks_of(db, nc.nonconformance_id)
    assert task.kind == "nonconformance"
    assert task.source_key == f"nonconformance:{nc.nonconformance_id}"
    assert task.status == "open"
    assert task.priority == "high"  # major
    assert task.location == "Gate 2"
    assert "Maintenance of plants" in task.title

    # a failed check of a task still open changes nothing (already what a reopening asks)
    await deliver(db, "verify_failed", nc.model_copy(update={"status": "open"}))
    assert (await tasks_of(db, nc.nonconformance_id))[0].status == "open"

    async with db.sessions() as session:
        t = await session.get(Task, task.id)
        assert t is not None
        await rules.assign(session, t, "cleaner-li", actor="head-wu", checked=False)
        await rules.start(session, t, actor="cleaner-li")
        await rules.complete(session, t, "pruned and replanted", actor="cleaner-li")
        await session.commit()
    assert task.due_at == nc.deadline_at
    new_deadline = nc.deadline_at + timedelta(hours=48)  # the failed check's new deadline
    await deliver(
        db,
        "verify_failed",
        nc.model_copy(update={"note": "still dead", "deadline_at": new_deadline}),
    )
    [task] = await tasks_of(db, nc.nonconformance_id)
    assert task.status == "assigned"  # back to its assignee
    assert task.reopen_count == 1
    assert task.due_at == new_deadline  # due by the new deadline, not the first one


async def test_a_nonconformance_for_another_department_or_the_desk_makes_no_task(
    db: Database,
) -> None:
    for other in ("engineering", None):
        await deliver(db, "raised", nonconformance(other))
    async with db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Task)) == 0
