"""The maintenance plans' generator as a plain function with its own clock: each occurrence
within the lead time becomes exactly one preventive work order, whether the generator runs
twice, twice at once, or again after a restart; none is skipped after a gap."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

import engineering
from engineering.equipment import service as equipment
from engineering.equipment.schemas import EquipmentIn
from engineering.maintenance import service as plans
from engineering.maintenance.schemas import PlanIn
from propops.auth import Principal
from propops.db import Database
from propops.events.payloads import TaskChanged
from propops.migrations import upgrade
from propops.tasks import task_feature
from propops.tasks.models import Task

ADMIN = Principal(user_id="u", username="boss", roles=frozenset({"admin"}))
HK = "Asia/Hong_Kong"
SCRIPTS = Path(engineering.__file__).parent / "migrations"


async def migrated(url: str) -> Database:
    db = Database(url)
    tasks = task_feature("engineering", "workorders").migrations
    await upgrade(db.engine, SCRIPTS, "engineering", [tasks])
    return db


@pytest.fixture
async def url(make_db_url: Callable[[str], Awaitable[str]]) -> str:
    return await make_db_url("engineering")


@pytest.fixture
async def db(url: str) -> AsyncIterator[Database]:
    database = await migrated(url)
    yield database
    await database.dispose()


async def lift_plan(db: Database, rule: str = "FREQ=MONTHLY;BYMONTHDAY=1", lead: int = 7) -> str:
    async with db.sessions() as s:
        item = await equipment.register(
            s,
            EquipmentIn(
                property_id="p-1",
                code="LIFT-A2",
                name="Passenger lift 2",
                category="lift",
                location="Block A",
            ),
            ADMIN,
        )
        plan = await plans.create_plan(
            s,
            PlanIn(
                equipment_id=item.id,
                task="Monthly lift inspection",
                rrule=rule,
                lead_days=lead,
                starts_on=date(2026, 1, 1),
                time_zone=HK,
            ),
            ADMIN,
            HK,
            today=date(2026, 11, 27),
        )
        await s.commit()
        return plan.id


async def run(db: Database, now: datetime) -> int:
    async with db.sessions() as s:
        seen = await plans.generate_due_work(s, now)
        await s.commit()
        return seen


async def keys(db: Database) -> list[str]:
    async with db.sessions() as s:
        rows = await s.scalars(select(Task.source_key).where(Task.kind == "preventive"))
        return sorted(k or "" for k in rows.all())


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def test_each_occurrence_within_the_lead_time_once(db: Database) -> None:
    plan = await lift_plan(db)
    # 24 Nov: 1 December is 7 days ahead in Hong Kong (30 Nov 16:00 UTC) - not yet within 7 days
    await run(db, at(2026, 11, 23, 15))
    # the first run also makes every earlier occurrence since the plan began (none skipped)
    assert len(await keys(db)) == 11  # 1 January .. 1 November
    await run(db, at(2026, 11, 24, 17))  # 25 Nov 01:00 HKT: 1 Dec is within 7 days
    await run(db, at(2026, 11, 24, 17))  # the same run again
    found = await keys(db)
    assert len(found) == 12 and found[-1] == f"preventive:{plan}:2026-12-01"
    async with db.sessions() as s:
        order = await s.scalar(select(Task).where(Task.source_key == found[-1]))
    assert order is not None and (order.kind, order.status, order.title) == (
        "preventive",
        "open",
        "Monthly lift inspection",
    )
    assert order.due_at == at(2026, 12, 1, 15, 59, 59)  # the end of 1 December in Hong Kong
    assert order.location == "Block A" and order.asset_id is not None


async def test_two_runs_at_once_and_a_restart_make_no_duplicate(url: str, db: Database) -> None:
    plan = await lift_plan(db, rule="FREQ=WEEKLY;BYDAY=MO,TH", lead=3)
    now = at(2026, 3, 1)
    await asyncio.gather(run(db, now), run(db, now))
    first = await keys(db)
    assert len(first) == len(set(first)) > 0
    # a restart: a new engine and sessions on the same database, the clock a week on
    await db.dispose()
    again = await migrated(url)
    try:
        await asyncio.gather(
            run(again, now + timedelta(days=7)), run(again, now + timedelta(days=7))
        )
        found = await keys(again)
    finally:
        await again.dispose()
    assert len(found) == len(set(found))
    days = sorted(k.rsplit(":", 1)[1] for k in found)
    # every Monday and Thursday from 1 January to 11 March (3 days' lead from 8 March): none
    # missed, none twice
    expected, day = [], date(2026, 1, 1)
    while day <= date(2026, 3, 11):
        if day.weekday() in (0, 3):
            expected.append(day.isoformat())
        day += timedelta(days=1)
    assert days == expected
    assert all(k.startswith(f"preventive:{plan}:") for k in found)


async def test_overdue_and_completion_record_the_service(db: Database) -> None:
    await lift_plan(db)
    await run(db, at(2026, 3, 10))  # January, February, March
    async with db.sessions() as s:
        late = (
            await s.scalars(plans.overdue_query(ADMIN, plans.OVERDUE.query(), now=at(2026, 3, 10)))
        ).all()
    assert [t.source_key.rsplit(":", 1)[1] for t in late] == [
        "2026-01-01",
        "2026-02-01",
        "2026-03-01",
    ]
    first = late[0]
    done = TaskChanged(
        task_id=first.id,
        reference=first.reference,
        department="engineering",
        property_id="p-1",
        status="completed",
        assignee="tech-lee",
        notes="ropes and brakes checked",
        at=at(2026, 3, 10, 2),
        kind="preventive",
        source_id=first.source_id,
        source_key=first.source_key,
        asset_id=first.asset_id,
    )
    async with db.sessions() as s:
        assert await equipment.record_service(s, done) is not None
        assert await equipment.record_service(s, done) is not None  # a repeat: the same line
        other = done.model_copy(update={"kind": "complaint"})
        assert await equipment.record_service(s, other) is None
        await s.commit()
    async with db.sessions() as s:
        item = await equipment.get(s, first.asset_id or "", ADMIN)
        log = await equipment.service_log(s, item.id)
    assert item.last_serviced_at == at(2026, 3, 10, 2)
    assert [(r.serviced_by, r.notes) for r in log] == [("tech-lee", "ropes and brakes checked")]
