"""Rules of cleaning schedules.

- A schedule names an area (422 on ``area_id``; another property's: 403) and takes the area's
  property; its rule is RFC 5545 (``propops.recurrence``: a bad one is a 422 on ``rrule``).
- A schedule makes at most one task a day (its tasks' key is ``scheduled:<schedule>:<date>``), so
  rules that recur within a day are refused (422 on ``rrule``): ``FREQ=HOURLY``, or several
  ``BYHOUR`` / ``BYMINUTE`` values (``propops.recurrence.check_once_a_day``). Two rounds a day
  are two schedules.
- Its rule must occur from its ``starts_on`` (422 on ``rrule``): ``FREQ=MONTHLY;BYMONTH=2``
  from 31 January never does (the day of month comes from the start).
- The assignee, if any, must be an active cleaning user (422 on ``assignee``).
- It starts today or later (422 on ``starts_on``): a start in the past would make the missed
  days' tasks at once.
- The day's tasks are made by ``cleaning.schedules.generate``.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from cleaning import DEPARTMENT
from cleaning.areas.service import area_for_write
from cleaning.schedules.models import Schedule
from cleaning.schedules.schemas import ScheduleIn
from propops import recurrence
from propops.auth import Principal, get_visible, scope_to_properties
from propops.directory.service import require_member
from propops.errors import Invalid
from propops.lists import Filter, ListQuery, ListSpec
from propops.timezones import today_in


def check_rule(rule: str, starts_on: date, time_zone: str) -> None:
    """422 on ``rrule`` for a rule that can occur more than once on a day, or that never
    occurs from ``starts_on`` (``FREQ=MONTHLY;BYMONTH=2`` from 31 January)."""
    try:
        recurrence.check_once_a_day(rule)
    except ValueError as exc:
        raise Invalid(
            f"a cleaning schedule makes one task a day: {exc}; make two schedules instead",
            field="rrule",
        ) from exc
    try:
        recurrence.check_start(rule, datetime.combine(starts_on, time()), time_zone)
    except ValueError as exc:
        raise Invalid(str(exc), field="rrule") from exc


async def create(
    session: AsyncSession, data: ScheduleIn, principal: Principal, *, time_zone: str
) -> Schedule:
    area = await area_for_write(session, data.area_id, principal)
    task = data.task.strip()
    if not task:
        raise Invalid("task must not be empty", field="task")
    assignee = data.assignee.strip() if data.assignee else None
    if assignee:
        await require_member(session, assignee, DEPARTMENT, field="assignee")
    today = today_in(time_zone)
    if data.starts_on is not None and data.starts_on < today:
        raise Invalid(
            f"starts_on {data.starts_on} is in the past (today is {today})", field="starts_on"
        )
    starts_on = data.starts_on or today
    check_rule(data.rrule, starts_on, time_zone)
    schedule = Schedule(
        property_id=area.property_id,
        area_id=area.id,
        task=task,
        rrule=data.rrule,
        assignee=assignee or None,
        starts_on=starts_on,
        time_zone=time_zone,
        created_by=principal.username,
    )
    session.add(schedule)
    await session.flush()
    return schedule


async def get_schedule(session: AsyncSession, schedule_id: str, principal: Principal) -> Schedule:
    return await get_visible(
        session, Schedule, schedule_id, principal, noun="schedule", field="schedule_id"
    )


LIST = ListSpec(
    filters=(
        Filter("property_id", column=Schedule.property_id, max_length=36),
        Filter("area_id", column=Schedule.area_id, max_length=36),
        Filter("assignee", column=Schedule.assignee, max_length=100),
    ),
    sort={"created_at": Schedule.created_at, "task": Schedule.task},
    default_sort="created_at",
    id_column=Schedule.id,
)


def list_schedules(principal: Principal, query: ListQuery | None = None) -> Select[tuple[Schedule]]:
    stmt = scope_to_properties(select(Schedule), Schedule.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())
