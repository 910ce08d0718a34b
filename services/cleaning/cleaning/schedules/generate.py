"""The job that turns cleaning schedules into the day's cleaning tasks, exactly once per
occurrence.

Each run takes ``now`` (the caller's clock: the job passes the current time, tests their own)
and, for every schedule, the days from the one after its cursor (``generated_through``; at
first its ``starts_on``) up to today where the schedule is. Each day on which the rule occurs
gets one task (``propops.tasks.create_task``, kind ``scheduled``, ``asset_id`` the area,
``source_key`` ``scheduled:<schedule>:<date>``, due at the end of that day), then the cursor
moves to today, in the same transaction.

Exactly once: the source key is unique per department (``create_task`` returns the task
already made for it, also when another run made it meanwhile), so re-running, a restart
(nothing is kept in memory) or two replicas at once never duplicate. None is skipped: days
missed while the service was down are made on the next run (at most ``CATCH_UP_DAYS`` back). On
PostgreSQL one replica runs at a time (``try_lock``); the other skips that round.

A schedule whose stored rule no longer evaluates (one that never occurs from its start, stored
before that was checked) is skipped with a warning (``schedule_rule_refused``) and its cursor
stays put: the other schedules' tasks are still made.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cleaning import DEPARTMENT
from cleaning.areas.models import Area
from cleaning.schedules.models import Schedule
from propops.context import BackgroundJob, ServiceContext
from propops.db import Database, utcnow
from propops.jobs import every, try_lock
from propops.recurrence import occurrences
from propops.tasks import NewTask, create_task
from propops.timezones import local_date, zone

log = structlog.get_logger("cleaning.schedules")

JOB = "cleaning-schedules"
ACTOR = "schedule"  # the actor of the tasks' "created" line
CATCH_UP_DAYS = 31


def source_key(schedule_id: str, day: date) -> str:
    return f"scheduled:{schedule_id}:{day.isoformat()}"


def _midnight(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone(tz))


def due_days(schedule: Schedule, today: date) -> list[date]:
    """The days in (cursor, today] on which the schedule's rule occurs, oldest first."""
    first = schedule.starts_on
    if schedule.generated_through is not None:
        first = max(first, schedule.generated_through + timedelta(days=1))
    first = max(first, today - timedelta(days=CATCH_UP_DAYS))
    if first > today:
        return []
    found = occurrences(
        schedule.rrule,
        datetime.combine(schedule.starts_on, time()),  # naive: local wall time
        _midnight(first, schedule.time_zone),
        _midnight(today + timedelta(days=1), schedule.time_zone),
        schedule.time_zone,
    )
    return sorted({at.date() for at in found})


async def _make_day(session: AsyncSession, schedule: Schedule, area: Area, day: date) -> None:
    await create_task(
        session,
        DEPARTMENT,
        NewTask(
            property_id=schedule.property_id,
            kind="scheduled",
            title=schedule.task,
            description=f"{area.code} · {area.name} ({day.isoformat()})",
            location=area.name,
            assignee=schedule.assignee,
            due_at=_midnight(day + timedelta(days=1), schedule.time_zone),
            source_id=schedule.id,
            source_key=source_key(schedule.id, day),
            asset_id=area.id,
            actor=ACTOR,
            time_zone=schedule.time_zone,
        ),
    )


async def generate_in(session: AsyncSession, now: datetime) -> int:
    """One run in the caller's transaction (not committed): the number of days looked at that
    made (or found) a task; 0 when another replica holds the job."""
    if not await try_lock(session, JOB):
        return 0
    made = 0
    rows = await session.execute(
        select(Schedule, Area).join(Area, Area.id == Schedule.area_id).order_by(Schedule.id)
    )
    for schedule, area in rows.tuples():
        today = local_date(now, schedule.time_zone)
        try:
            days = due_days(schedule, today)
        except ValueError:  # a rule stored before a stricter check: skip it, say so
            log.warning("schedule_rule_refused", schedule_id=schedule.id, rrule=schedule.rrule)
            continue
        for day in days:
            await _make_day(session, schedule, area, day)
            made += 1
        if schedule.generated_through is None or schedule.generated_through < today:
            schedule.generated_through = today
    await session.flush()
    return made


async def generate(db: Database, now: datetime | None = None) -> int:
    """One run, committed (``now``: the caller's clock, default the current time)."""
    async with db.sessions() as session:
        made = await generate_in(session, now or utcnow())
        await session.commit()
    if made:
        log.info("scheduled_tasks_made", days=made)
    return made


def schedule_job(interval: float) -> BackgroundJob:
    """The run as a job for ``build_service_app`` (every ``interval`` seconds)."""

    async def run(ctx: ServiceContext) -> int:
        return await generate(ctx.db)

    return every(interval, JOB, run)
