"""Work a department's own records ask for (``propops.tasks.generated``): exactly one task per
source key, also under concurrent inserts; cancel and reopen by source; the kind filters; the
migration that moved the complaint's kind. Against SQLite, or PostgreSQL with
``PROPOPS_TEST_DATABASE_URL``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from pydantic import ValidationError
from sqlalchemy import Connection, func, select, text

from propops.auth import Principal
from propops.db import Database
from propops.messaging.models import OutboxRow
from propops.migrations import _config, upgrade
from propops.tasks import (
    TASKS_SCRIPTS,
    TASKS_VERSION_TABLE,
    NewTask,
    cancel_by_source,
    create_task,
    generated,
    reopen_by_source,
    task_feature,
)
from propops.tasks import service as rules
from propops.tasks.models import Task
from propops.testing.tasks import complaint

DEPT = "engineering"
ALL = Principal(user_id="u", username="boss", roles=frozenset({"admin"}))
KEY = "preventive:plan-1:2026-12-01"


@pytest.fixture
async def db(make_db_url: Callable[[str], Awaitable[str]]) -> AsyncIterator[Database]:
    database = Database(await make_db_url("generated"))
    await upgrade(database.engine, None, "generated", [task_feature(DEPT, "workorders").migrations])
    yield database
    await database.dispose()


def preventive(**fields: object) -> NewTask:
    values: dict[str, object] = {
        "property_id": "p-1",
        "kind": "preventive",
        "title": "Monthly lift inspection",
        "location": "Block A lift 2",
        "due_at": datetime(2026, 12, 1, 1, tzinfo=UTC),
        "source_id": "plan-1",
        "source_key": KEY,
        "asset_id": "lift-2",
        "actor": "engineering",
        "time_zone": "Asia/Hong_Kong",
    }
    return NewTask(**(values | fields))


async def make(db: Database, new: NewTask, department: str = DEPT) -> Task:
    async with db.sessions() as s:
        task = await create_task(s, department, new)
        await s.commit()
    return task


async def created_events(db: Database) -> list[dict]:
    async with db.sessions() as s:
        rows = (await s.scalars(select(OutboxRow).order_by(OutboxRow.seq))).all()
    return [json.loads(r.envelope)["data"] for r in rows if r.type.endswith(".created.v1")]


async def count(db: Database) -> int:
    async with db.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(Task)) or 0)


async def test_a_source_key_makes_one_task_however_often_it_is_asked(db: Database) -> None:
    first = await make(db, preventive())
    assert (first.kind, first.status, first.asset_id, first.source_id) == (
        "preventive",
        "open",
        "lift-2",
        "plan-1",
    )
    assert first.reference == "W-2026-00001" and first.complaint_id is None
    again = await make(db, preventive(title="changed title"))
    assert again.id == first.id and again.title == "Monthly lift inspection"
    [event] = await created_events(db)
    assert event["kind"] == "preventive" and event["source_key"] == KEY
    assert event["asset_id"] == "lift-2" and event["source_id"] == "plan-1"
    async with db.sessions() as s:
        assert [h.action for h in await rules.history(s, first.id)] == ["created"]
    # the next occurrence is another task, with the next reference (none was used up)
    nxt = await make(db, preventive(source_key="preventive:plan-1:2027-01-01"))
    assert nxt.id != first.id and nxt.reference == "W-2026-00002"
    # the same key in another department is that department's own task
    other = await make(db, preventive(kind="scheduled"), department="cleaning")
    assert other.department == "cleaning" and await count(db) == 3


async def test_two_concurrent_sessions_make_one_task(db: Database) -> None:
    async def attempt() -> str:
        async with db.sessions() as s:
            task = await create_task(s, DEPT, preventive())
            await asyncio.sleep(0)  # let the other session run before this one commits
            await s.commit()
            return task.id

    for _ in range(3):  # several rounds: the interleaving differs from round to round
        ids = await asyncio.gather(attempt(), attempt())
        assert ids[0] == ids[1]
    assert await count(db) == 1 and len(await created_events(db)) == 1
    # the loser's reference number was rolled back with its insert: no gap
    assert (await make(db, preventive(source_key="other"))).reference == "W-2026-00002"


async def test_an_insert_that_loses_the_race_answers_the_winner(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race made certain: the look-up misses the task another session has just committed,
    so the insert hits the unique index; the savepoint takes back the insert and its number."""
    winner = await make(db, preventive())
    real = generated.by_source_key
    misses = [True]

    async def stale_first_look(*args: object) -> Task | None:
        return None if misses and misses.pop() else await real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(generated, "by_source_key", stale_first_look)
    async with db.sessions() as s:
        # the caller's own work earlier in the transaction (made with a fresh look-up)
        misses.clear()
        earlier = await create_task(s, DEPT, preventive(source_key="earlier"))
        misses.append(True)
        found = await create_task(s, DEPT, preventive())
        assert found.id == winner.id and not misses
        await s.commit()
    assert await count(db) == 2 and len(await created_events(db)) == 2
    assert earlier.reference == "W-2026-00002"  # kept; the loser's number was taken back
    assert (await make(db, preventive(source_key="other"))).reference == "W-2026-00003"


async def test_creation_is_part_of_the_callers_transaction(db: Database) -> None:
    async with db.sessions() as s:
        await create_task(s, DEPT, preventive())
        await s.rollback()
    assert await count(db) == 0 and await created_events(db) == []
    assert (await make(db, preventive())).reference == "W-2026-00001"


async def test_new_task_refuses_an_unknown_kind_and_clips_long_texts(db: Database) -> None:
    with pytest.raises(ValidationError, match="kind must be one of"):
        preventive(kind="repair")
    with pytest.raises(ValidationError):
        preventive(title="   ")
    task = await make(db, preventive(location="x" * 300, assignee="tech-lee", source_key=None))
    assert len(task.location or "") == 200 and task.status == "assigned"


async def test_cancel_and_reopen_by_source(db: Database) -> None:
    task = await make(db, preventive())
    async with db.sessions() as s:
        assert await cancel_by_source(s, DEPT, "unknown", "gone", actor="frontdesk") is None
        assert await reopen_by_source(s, DEPT, KEY, "again", actor="frontdesk") is None  # open
        done = await cancel_by_source(s, DEPT, KEY, "plan stopped", actor="engineering")
        assert done is not None and done.status == "cancelled"
        await s.commit()
    async with db.sessions() as s:  # a repeat of the event changes nothing
        assert await cancel_by_source(s, DEPT, KEY, "plan stopped", actor="engineering") is None
        assert await reopen_by_source(s, DEPT, KEY, "again", actor="x") is None  # cancelled stays
        assert [h.action for h in await rules.history(s, task.id)] == ["created", "cancelled"]

    other = await make(db, preventive(source_key="nonconformance:nc-1", kind="nonconformance"))
    async with db.sessions() as s:
        t = await rules.get(s, DEPT, other.id)
        await rules.assign(s, t, "tech-lee", actor="boss", checked=False)
        await rules.start(s, t, actor="tech-lee")
        await rules.complete(s, t, "replaced the seal", actor="tech-lee")
        await s.commit()
    async with db.sessions() as s:
        assert await cancel_by_source(s, DEPT, "nonconformance:nc-1", "x", actor="y") is None
        back = await reopen_by_source(s, DEPT, "nonconformance:nc-1", "failed check", actor="qa")
        assert back is not None and (back.status, back.reopen_count) == ("assigned", 1)
        await s.commit()
    async with db.sessions() as s:
        assert await reopen_by_source(s, DEPT, "nonconformance:nc-1", "again", actor="qa") is None


async def test_lists_filter_by_kind_asset_and_source(db: Database) -> None:
    async with db.sessions() as s:
        from_desk = await rules.create_from_dispatch(s, DEPT, complaint(DEPT, kind="help"))
        await s.commit()
    assert from_desk is not None and (from_desk.kind, from_desk.complaint_kind) == (
        "complaint",
        "help",
    )
    lift = await make(db, preventive())
    await make(db, preventive(source_key="k2", asset_id="pump-1", source_id="plan-2"))

    async def ids(**filters: str) -> set[str]:
        async with db.sessions() as s:
            stmt = rules.list_query(DEPT, ALL, rules.LIST.query(**filters))
            return {t.id for t in (await s.scalars(stmt)).all()}

    assert await ids(kind="complaint") == {from_desk.id}
    assert len(await ids(kind="preventive")) == 2
    assert await ids(asset_id="lift-2") == {lift.id}
    assert await ids(source_id="plan-1") == {lift.id}
    assert await ids(kind="damage") == set()


async def test_the_migration_moves_the_complaints_kind(
    make_db_url: Callable[[str], Awaitable[str]],
) -> None:
    database = Database(await make_db_url("kinds"))
    await upgrade(database.engine, None, "kinds")  # messaging only

    def to(conn: Connection, revision: str) -> None:
        cfg = _config(TASKS_SCRIPTS, TASKS_VERSION_TABLE)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)

    now = datetime.now(UTC) - timedelta(days=1)
    async with database.engine.begin() as conn:
        await conn.run_sync(to, "d8431d9b4146")  # before kinds
        await conn.execute(
            text(
                "INSERT INTO tasks (id, department, property_id, title, kind, status, "
                "created_at, updated_at, reopen_count, version) VALUES "
                "('t1', 'engineering', 'p-1', 'leak', 'vent', 'open', :at, :at, 0, 1)"
            ),
            {"at": now},
        )
    async with database.engine.begin() as conn:
        await conn.run_sync(to, "head")
    async with database.sessions() as s:
        task = await s.get(Task, "t1")
        assert task is not None and (task.kind, task.complaint_kind) == ("complaint", "vent")
    await database.dispose()
