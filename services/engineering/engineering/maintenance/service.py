"""Maintenance plans and the preventive work they generate.

``generate_due_work(session, now)`` is the generator (the job calls it; a test passes its own
clock): for each active plan, every occurrence of its rule from the plan's watermark
(``generated_until``, else its first day) up to ``now + lead_days`` becomes one work order of
kind ``preventive`` (``propops.tasks.create_task``, source key
``preventive:<plan_id>:<local date>``), due at the end of that day (23:59:59) in the plan's
zone. The key makes it exactly once: a second run, a run after a restart, and two replicas at
once (on PostgreSQL the job also takes ``try_lock``) all find the same work order. The
watermark only saves looking again; occurrences missed while the service was down are made on
the next run (late, not skipped), because the window starts at the watermark, not at ``now``.

Plans recur daily at most (one work order per local day and plan) and start at most
``MAX_LOOK_BACK_DAYS`` ago, so a run never has more than a year of occurrences to make.
``overdue`` lists preventive work orders past due and not completed or cancelled.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import structlog
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from engineering.equipment import service as equipment
from engineering.maintenance.models import MaintenancePlan
from engineering.maintenance.schemas import PlanIn
from propops.auth import Principal, scope_to_properties
from propops.db import utcnow
from propops.errors import Invalid
from propops.lists import Filter, ListQuery, ListSpec
from propops.recurrence import check_start, occurrences
from propops.tasks import NewTask, create_task
from propops.tasks.models import ASSIGNED, IN_PROGRESS, OPEN, Task
from propops.tasks.service import as_utc
from propops.timezones import today_in, zone

log = structlog.get_logger("engineering.maintenance")

PREVENTIVE = "preventive"
GENERATOR = "engineering"  # the actor of generated work orders
# a plan may start this far back: its first run makes the occurrences since then (bounded)
MAX_LOOK_BACK_DAYS = 366


def _dtstart(plan_start: date) -> datetime:
    return datetime.combine(plan_start, time())  # local midnight of the first day


async def create_plan(
    session: AsyncSession,
    data: PlanIn,
    principal: Principal,
    default_time_zone: str,
    *,
    today: date | None = None,
) -> MaintenancePlan:
    """``today``: the day in the plan's zone (default: now there; a test passes its own)."""
    item = await equipment.get(session, data.equipment_id, principal)
    tz = data.time_zone or default_time_zone
    today = today or today_in(tz)
    starts_on = data.starts_on or today
    if starts_on < today - timedelta(days=MAX_LOOK_BACK_DAYS):
        raise Invalid(
            f"starts_on is more than {MAX_LOOK_BACK_DAYS} days ago (past services are not "
            "work to do)",
            field="starts_on",
        )
    try:
        check_start(data.rrule, _dtstart(starts_on), tz)
    except ValueError as exc:
        raise Invalid(str(exc), field="rrule") from exc
    plan = MaintenancePlan(
        equipment_id=item.id,
        property_id=item.property_id,
        task=data.task,
        rrule=data.rrule,
        lead_days=data.lead_days,
        starts_on=starts_on,
        time_zone=tz,
    )
    session.add(plan)
    await session.flush()
    return plan


async def plans_of(session: AsyncSession, equipment_id: str) -> list[MaintenancePlan]:
    rows = await session.scalars(
        select(MaintenancePlan)
        .where(MaintenancePlan.equipment_id == equipment_id)
        .order_by(MaintenancePlan.created_at)
    )
    return list(rows.all())


PLANS = ListSpec(
    filters=(
        Filter("equipment_id", column=MaintenancePlan.equipment_id, max_length=36),
        Filter("property_id", column=MaintenancePlan.property_id, max_length=36),
    ),
    sort={"created_at": MaintenancePlan.created_at, "task": MaintenancePlan.task},
    default_sort="-created_at",
    id_column=MaintenancePlan.id,
)


def list_plans(principal: Principal, query: ListQuery) -> Select[tuple[MaintenancePlan]]:
    stmt = scope_to_properties(select(MaintenancePlan), MaintenancePlan.property_id, principal)
    return PLANS.apply(stmt, query)


def source_key(plan_id: str, day: date) -> str:
    return f"{PREVENTIVE}:{plan_id}:{day.isoformat()}"


async def generate_for_plan(session: AsyncSession, plan: MaintenancePlan, now: datetime) -> int:
    """The plan's work orders up to ``now + lead_days``; returns how many occurrences it saw
    (each made now or found made already)."""
    item = await equipment.get(session, plan.equipment_id, None)
    start = plan.generated_until or datetime.combine(
        plan.starts_on, time(), tzinfo=zone(plan.time_zone)
    )
    end = as_utc(now) + timedelta(days=plan.lead_days)
    try:
        due = occurrences(plan.rrule, _dtstart(plan.starts_on), start, end, plan.time_zone)
    except ValueError:  # a rule stored before a stricter check: skip the plan, say so
        log.warning("plan_rule_refused", plan_id=plan.id)
        return 0
    for at in due:
        day = at.date()
        end_of_day = datetime.combine(day, time(23, 59, 59), tzinfo=at.tzinfo)
        await create_task(
            session,
            equipment.DEPARTMENT,
            NewTask(
                property_id=plan.property_id,
                kind=PREVENTIVE,
                title=plan.task,
                description=f"{item.code} {item.name} · {day.isoformat()}",
                location=item.location,
                due_at=end_of_day,
                source_id=plan.id,
                source_key=source_key(plan.id, day),
                asset_id=item.id,
                actor=GENERATOR,
                time_zone=plan.time_zone,
            ),
        )
    if plan.generated_until is None or end > plan.generated_until:
        plan.generated_until = end
    await session.flush()
    return len(due)


async def generate_due_work(session: AsyncSession, now: datetime | None = None) -> int:
    """One run of the generator over every active plan, in the caller's transaction."""
    now = now or utcnow()
    plans = (
        await session.scalars(
            select(MaintenancePlan)
            .where(MaintenancePlan.active.is_(True))
            .order_by(MaintenancePlan.created_at)
        )
    ).all()
    return sum([await generate_for_plan(session, plan, now) for plan in plans])


LIVE = (OPEN, ASSIGNED, IN_PROGRESS)


OVERDUE = ListSpec(
    filters=(Filter("property_id", column=Task.property_id, max_length=36),),
    sort={"due_at": Task.due_at, "reference": Task.reference},
    default_sort="due_at",
    id_column=Task.id,
)


def overdue_query(
    principal: Principal, query: ListQuery, now: datetime | None = None
) -> Select[tuple[Task]]:
    """Preventive work orders past due and not completed or cancelled, most overdue first."""
    stmt = select(Task).where(
        Task.department == equipment.DEPARTMENT,
        Task.kind == PREVENTIVE,
        Task.status.in_(LIVE),
        Task.due_at < (now or utcnow()),
    )
    return OVERDUE.apply(scope_to_properties(stmt, Task.property_id, principal), query)
