"""One local day of a property at the front desk, for the supervisor's daily review: counts
computed in the database (GROUP BY), never the day's rows."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.callbacks.models import Callback
from frontdesk.complaints.models import Complaint
from frontdesk.daily_reviews.models import DailyReview
from frontdesk.daily_reviews.service import of_day
from frontdesk.handovers.models import Handover
from frontdesk.inspections.models import SUBMITTED, Inspection
from frontdesk.nonconformances.models import Nonconformance, NonconformanceStep
from frontdesk.register.models import Property
from frontdesk.reports.schemas import (
    DepartmentComplaints,
    DepartmentInspections,
    DeskDay,
    PostHandovers,
    SignedReview,
)
from propops.auth import Principal, check_property
from propops.db import utcnow
from propops.errors import NotFound
from propops.timezones import day_window

UNASSIGNED = "unassigned"


def _count_if(condition: object) -> object:
    return func.sum(case((condition, 1), else_=0))  # type: ignore[arg-type]


async def desk_day(
    session: AsyncSession,
    principal: Principal,
    property_id: str,
    day: date,
    *,
    now: datetime | None = None,
) -> DeskDay:
    check_property(principal, property_id)
    prop = await session.get(Property, property_id)
    if prop is None:
        raise NotFound(f"property {property_id} does not exist", field="property_id")
    since, until = day_window(day, prop.time_zone)
    cutoff = min(until, now or utcnow())  # overdue as at the end of the day, or now for today

    def within(column: object) -> object:
        return and_(column >= since, column < until)  # type: ignore[operator]

    handovers = (
        await session.execute(
            select(
                Handover.post,
                func.count(),
                _count_if(Handover.status == "acknowledged"),
                _count_if(Handover.status == "pending"),
            )
            .where(Handover.property_id == property_id, within(Handover.created_at))
            .group_by(Handover.post)
            .order_by(Handover.post)
        )
    ).all()

    department = func.coalesce(Complaint.department, UNASSIGNED)
    overdue = and_(
        Complaint.status != "cancelled",
        Complaint.created_at < cutoff,
        Complaint.resolution_due < cutoff,
        or_(Complaint.resolved_at.is_(None), Complaint.resolved_at >= cutoff),
    )
    complaints = (
        await session.execute(
            select(
                department,
                _count_if(within(Complaint.created_at)),
                _count_if(within(Complaint.resolved_at)),
                _count_if(overdue),
            )
            .where(
                Complaint.property_id == property_id,
                or_(within(Complaint.created_at), within(Complaint.resolved_at), overdue),
            )
            .group_by(department)
            .order_by(department)
        )
    ).all()

    due, done = (
        await session.execute(
            select(func.count(), _count_if(Callback.status == "done")).where(
                Callback.property_id == property_id, within(Callback.due_at)
            )
        )
    ).one()

    per_dept: dict[str, dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(
            ("inspections", "raised", "rectified", "verified", "closed", "open"), 0
        )
    )
    for dept, count in await session.execute(
        select(Inspection.department, func.count())
        .where(
            Inspection.property_id == property_id,
            Inspection.status == SUBMITTED,
            within(Inspection.submitted_at),
        )
        .group_by(Inspection.department)
    ):
        per_dept[dept]["inspections"] = count
    # open at the end of the day: raised before it ended and not closed by then (closed is
    # final, ``closed_at`` its time), whatever happened since; a later day's are left out
    open_then = and_(
        Nonconformance.created_at < until,
        or_(Nonconformance.closed_at.is_(None), Nonconformance.closed_at >= until),
    )
    for dept, raised, still_open in await session.execute(
        select(
            Nonconformance.department,
            _count_if(within(Nonconformance.created_at)),
            _count_if(open_then),
        )
        .where(
            Nonconformance.property_id == property_id,
            or_(within(Nonconformance.created_at), open_then),
        )
        .group_by(Nonconformance.department)
    ):
        per_dept[dept]["raised"] = int(raised or 0)
        per_dept[dept]["open"] = int(still_open or 0)
    # the day's steps (kept when a failed check sends a nonconformance back, unlike its
    # ``rectified_at``): rectified (each nonconformance once), checked, closed
    rectified_one = case(
        (NonconformanceStep.action == "rectified", NonconformanceStep.nonconformance_id)
    )
    for dept, rectified, verified, closed in await session.execute(
        select(
            Nonconformance.department,
            func.count(func.distinct(rectified_one)),
            _count_if(NonconformanceStep.action.in_(("closed", "verify_failed"))),
            _count_if(NonconformanceStep.action == "closed"),
        )
        .join(Nonconformance, Nonconformance.id == NonconformanceStep.nonconformance_id)
        .where(
            Nonconformance.property_id == property_id,
            NonconformanceStep.action.in_(("rectified", "closed", "verify_failed")),
            within(NonconformanceStep.at),
        )
        .group_by(Nonconformance.department)
    ):
        per_dept[dept]["rectified"] = int(rectified or 0)
        per_dept[dept]["verified"] = int(verified or 0)
        per_dept[dept]["closed"] = int(closed or 0)

    review: DailyReview | None = await of_day(session, property_id, day)
    return DeskDay(
        property_id=property_id,
        date=day,
        time_zone=prop.time_zone,
        since=since,
        until=until,
        handovers=[
            PostHandovers(post=post, written=n, acknowledged=int(ack or 0), pending=int(p or 0))
            for post, n, ack, p in handovers
        ],
        complaints=[
            DepartmentComplaints(
                department=dept,
                recorded=int(rec or 0),
                resolved=int(res or 0),
                overdue=int(late or 0),
            )
            for dept, rec, res, late in complaints
        ],
        callbacks_due=due,
        callbacks_done=int(done or 0),
        inspections=[
            DepartmentInspections(department=dept, **counts)
            for dept, counts in sorted(per_dept.items())
            if any(counts.values())
        ],
        review=(
            SignedReview(
                id=review.id,
                signed_by=review.signed_by,
                signed_at=review.signed_at,
                notes=review.notes,
            )
            if review
            else None
        ),
    )
