"""Figures about complaints for the manager's dashboard, computed in the database's rows of a
period (never the whole history): per day by nature and kind, the open and overdue load per
department, the median time from record to resolve, and callback satisfaction."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime
from statistics import median

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.callbacks.models import Callback
from frontdesk.complaints import deadlines
from frontdesk.complaints.models import OPEN_STATES, Complaint
from frontdesk.reports.schemas import ComplaintStats, DayCount, DepartmentLoad, ResolveTime
from propops.auth import Principal, check_property, scope_to_properties
from propops.db import utcnow
from propops.periods import Period

UNASSIGNED = "unassigned"
UNCLASSIFIED = "unclassified"


def _as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def complaint_stats(
    session: AsyncSession,
    principal: Principal,
    period: Period,
    *,
    property_id: str | None = None,
    now: datetime | None = None,
) -> ComplaintStats:
    now = now or utcnow()
    if property_id is not None:
        check_property(principal, property_id)

    def scoped(stmt, column):  # type: ignore[no-untyped-def]
        stmt = scope_to_properties(stmt, column, principal)
        return stmt.where(column == property_id) if property_id is not None else stmt

    # recorded per day, by nature and kind
    rows = (
        await session.execute(
            scoped(
                select(Complaint.created_at, Complaint.nature, Complaint.kind).where(
                    Complaint.created_at >= period.since, Complaint.created_at < period.until
                ),
                Complaint.property_id,
            )
        )
    ).all()
    per_day: Counter[tuple[str, str, str | None]] = Counter()
    for created_at, nature, kind in rows:
        day = _as_utc(created_at).date().isoformat()
        per_day[(day, nature or UNCLASSIFIED, kind if nature == "communication" else None)] += 1

    # open now and overdue now, per department
    load: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    overdue = case((deadlines.overdue(now), 1), else_=0)
    for department, count, late in (
        await session.execute(
            scoped(
                select(Complaint.department, func.count(), func.sum(overdue))
                .where(Complaint.status.in_(OPEN_STATES))
                .group_by(Complaint.department),
                Complaint.property_id,
            )
        )
    ).all():
        entry = load[department or UNASSIGNED]
        entry[0] += count
        entry[1] += int(late or 0)

    # record -> resolve, for complaints resolved in the period
    spans: dict[str, list[float]] = defaultdict(list)
    for department, created_at, resolved_at in (
        await session.execute(
            scoped(
                select(Complaint.department, Complaint.created_at, Complaint.resolved_at).where(
                    Complaint.resolved_at >= period.since, Complaint.resolved_at < period.until
                ),
                Complaint.property_id,
            )
        )
    ).all():
        hours = (_as_utc(resolved_at) - _as_utc(created_at)).total_seconds() / 3600
        spans[department or UNASSIGNED].append(hours)

    # callbacks that reached the resident in the period, by score
    scores = {str(s): 0 for s in range(1, 6)}
    for score, count in (
        await session.execute(
            scoped(
                select(Callback.satisfaction, func.count())
                .where(
                    Callback.satisfaction.is_not(None),
                    Callback.done_at >= period.since,
                    Callback.done_at < period.until,
                )
                .group_by(Callback.satisfaction),
                Callback.property_id,
            )
        )
    ).all():
        scores[str(score)] = count

    return ComplaintStats(
        from_=period.start,
        to=period.end,
        property_id=property_id,
        recorded=len(rows),
        per_day=[
            DayCount(date=day, nature=nature, kind=kind, count=count)
            for (day, nature, kind), count in sorted(per_day.items(), key=lambda i: str(i[0]))
        ],
        by_department=[
            DepartmentLoad(department=d, open=o, overdue=v) for d, (o, v) in sorted(load.items())
        ],
        resolve_time=[
            ResolveTime(department=d, resolved=len(h), median_hours=round(median(h), 2))
            for d, h in sorted(spans.items())
        ],
        satisfaction=scores,
    )
