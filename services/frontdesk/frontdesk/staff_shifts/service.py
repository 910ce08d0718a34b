"""Rules of the front desk's roster.

- The user is an active user holding the ``frontdesk`` role in the service's copy of the
  gateway's users (422 naming ``user`` otherwise).
- No one is on two shifts at once: a shift overlapping another live shift (not cancelled) of
  the same user, at any post or property, is a 409 naming the clash (``clash_shift_id``).
  Touching shifts do not clash. Nor is anyone put on a shift on a day of their approved leave
  (409 naming ``user``, ``leave_id``).
- The changes about one person (shifts, leave decisions) take turns on their ``staff_locks``
  row (``propops.roster.take_turns``), then look for clashes.
- Shifts are added, reassigned and cancelled by the desk's supervisor (or an admin; 403
  otherwise, ``propops.supervisor``).
- A life cycle: scheduled -> on_duty (clock-in) -> done (clock-out); scheduled -> cancelled.
  Only a scheduled shift is reassigned; reassigning clears ``uncovered``.
- Clock-in and clock-out are by the shift's user, or for them by the supervisor (or an admin),
  recorded as ``clocked_in_by`` / ``clocked_out_by``; at ``at`` (default now; not
  more than 5 minutes ahead of now, a clock-in not more than 4 hours before the start nor after
  the end, a clock-out not before the clock-in: 422 naming ``at``).
- ``late``, ``late_minutes`` and ``absent`` are computed when read against the arrival
  standard (``staff_arrival_minutes``, 20): see ``StaffShiftOut.of``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.leave_requests.models import LeaveRequest
from frontdesk.register.models import Property
from frontdesk.staff_shifts.models import STAFF_SHIFT_STATES, StaffLock, StaffShift
from frontdesk.staff_shifts.schemas import StaffShiftIn
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.db import utcnow
from propops.directory.service import require_member
from propops.errors import Conflict, Invalid
from propops.lifecycle import Lifecycle
from propops.lists import Filter, ListQuery, ListSpec
from propops.roster import first_overlap, take_turns
from propops.supervisor import require_clock, require_keep_roster
from propops.timezones import local_date

DEPARTMENT = "frontdesk"
EARLIEST_CLOCK_IN = timedelta(hours=4)
CLOCK_SKEW = timedelta(minutes=5)

STAFF_SHIFT = Lifecycle(
    "shift",
    {
        "clock_in": (("scheduled",), "on_duty"),
        "clock_out": (("on_duty",), "done"),
        "reassign": (("scheduled",), None),
        "cancel": (("scheduled",), "cancelled"),
    },
)


async def lock_user(session: AsyncSession, user: str) -> None:
    await take_turns(session, StaffLock, user)


async def approved_leave_on(session: AsyncSession, user: str, day: date) -> LeaveRequest | None:
    return await session.scalar(
        select(LeaveRequest)
        .where(
            LeaveRequest.user == user,
            LeaveRequest.status == "approved",
            LeaveRequest.date_from <= day,
            LeaveRequest.date_to >= day,
        )
        .limit(1)
    )


async def check_free(
    session: AsyncSession,
    user: str,
    start: datetime,
    end: datetime,
    day: date,
    *,
    other_than: str | None = None,
) -> None:
    """409 if ``user`` is on another live shift overlapping ``[start, end)`` or on approved
    leave that day. Call after ``lock_user``."""
    where = [StaffShift.user == user, StaffShift.status != "cancelled"]
    if other_than is not None:
        where.append(StaffShift.id != other_than)
    other = await first_overlap(session, StaffShift, start, end, *where)
    if other is not None:
        raise Conflict(
            f"{user} is already on shift at post {other.post} from {other.start.isoformat()} "
            f"to {other.end.isoformat()} (shift {other.id})",
            field="user",
            clash_shift_id=other.id,
            clash_post=other.post,
            clash_start=other.start.isoformat(),
            clash_end=other.end.isoformat(),
        )
    leave = await approved_leave_on(session, user, day)
    if leave is not None:
        raise Conflict(
            f"{user} is on approved leave from {leave.date_from} to {leave.date_to}",
            field="user",
            leave_id=leave.id,
        )


async def create_shift(
    session: AsyncSession, data: StaffShiftIn, principal: Principal
) -> StaffShift:
    prop = await session.get(Property, data.property_id)
    if prop is None:
        raise Invalid(f"property {data.property_id} does not exist", field="property_id")
    check_property(principal, prop.id)
    require_keep_roster(principal)
    await require_member(session, data.user, DEPARTMENT, field="user")
    day = local_date(data.start, prop.time_zone)
    await lock_user(session, data.user)
    await check_free(session, data.user, data.start, data.end, day)
    shift = StaffShift(
        property_id=prop.id,
        post=data.post,
        user=data.user,
        start=data.start,
        end=data.end,
        day=day,
        status="scheduled",
        created_by=principal.username,
    )
    session.add(shift)
    await session.flush()
    return shift


async def get(session: AsyncSession, shift_id: str, principal: Principal) -> StaffShift:
    return await get_visible(
        session, StaffShift, shift_id, principal, noun="shift", field="shift_id"
    )


async def reassign(
    session: AsyncSession, shift: StaffShift, user: str, principal: Principal
) -> None:
    """Give a scheduled shift to another front-desk user (same clash rules); clears
    ``uncovered``."""
    require_keep_roster(principal)
    STAFF_SHIFT.check(shift, "reassign")
    if user == shift.user:
        raise Invalid(f"the shift is already {user}'s", field="user")
    await require_member(session, user, DEPARTMENT, field="user")
    await lock_user(session, user)
    await check_free(session, user, shift.start, shift.end, shift.day, other_than=shift.id)
    shift.user = user
    shift.uncovered_leave_id = None
    await STAFF_SHIFT.apply(session, shift, "reassign")


async def cancel(
    session: AsyncSession, shift: StaffShift, reason: str | None, principal: Principal
) -> None:
    require_keep_roster(principal)
    STAFF_SHIFT.check(shift, "cancel")
    shift.cancelled_by = principal.username
    shift.cancel_reason = reason
    await STAFF_SHIFT.apply(session, shift, "cancel")


def _at(at: datetime | None, now: datetime) -> datetime:
    if at is None:
        return now
    at = at.astimezone(UTC)
    if at > now + CLOCK_SKEW:
        raise Invalid("at is in the future", field="at")
    return at


async def clock_in(
    session: AsyncSession, shift: StaffShift, at: datetime | None, principal: Principal
) -> None:
    STAFF_SHIFT.check(shift, "clock_in")
    require_clock(principal, shift.user)
    when = _at(at, utcnow())
    if when < shift.start - EARLIEST_CLOCK_IN:
        raise Invalid("too early: at most 4 hours before the shift starts", field="at")
    if when >= shift.end:
        raise Invalid("the shift has ended", field="at")
    shift.clocked_in_at = when
    shift.clocked_in_by = principal.username
    await STAFF_SHIFT.apply(session, shift, "clock_in")


async def clock_out(
    session: AsyncSession, shift: StaffShift, at: datetime | None, principal: Principal
) -> None:
    STAFF_SHIFT.check(shift, "clock_out")
    require_clock(principal, shift.user)
    when = _at(at, utcnow())
    if shift.clocked_in_at is not None and when < shift.clocked_in_at:
        raise Invalid("before the clock-in", field="at")
    shift.clocked_out_at = when
    shift.clocked_out_by = principal.username
    await STAFF_SHIFT.apply(session, shift, "clock_out")


LIST = ListSpec(
    filters=(
        Filter("property_id", column=StaffShift.property_id, max_length=36),
        Filter("user", column=StaffShift.user, max_length=80),
        Filter("post", column=StaffShift.post, max_length=60),
        Filter("status", column=StaffShift.status, values=STAFF_SHIFT_STATES),
        Filter("date", column=StaffShift.day, type=date, description="the day, at the property"),
        Filter(
            "date_from",
            type=date,
            where=lambda day: StaffShift.day >= day,
            description="from this day (at the property)",
        ),
        Filter(
            "date_to",
            type=date,
            where=lambda day: StaffShift.day <= day,
            description="to this day (at the property), inclusive",
        ),
        Filter(
            "uncovered",
            type=bool,
            where=lambda flag: (
                (StaffShift.uncovered_leave_id.is_not(None) & (StaffShift.status == "scheduled"))
                if flag
                else (StaffShift.uncovered_leave_id.is_(None) | (StaffShift.status != "scheduled"))
            ),
            description="true: scheduled shifts whose user is on approved leave",
        ),
    ),
    sort={"start": StaffShift.start, "user": (StaffShift.user, StaffShift.start)},
    default_sort="start",
    id_column=StaffShift.id,
)


def list_query(principal: Principal, query: ListQuery) -> Select[tuple[StaffShift]]:
    stmt = scope_to_properties(select(StaffShift), StaffShift.property_id, principal)
    return LIST.apply(stmt, query)


async def uncover(session: AsyncSession, leave: LeaveRequest) -> list[StaffShift]:
    """An approved leave: flag its user's scheduled shifts on those days ``uncovered`` (until
    reassigned or cancelled). Call after ``lock_user``."""
    shifts = (
        await session.scalars(
            select(StaffShift).where(
                StaffShift.user == leave.user,
                StaffShift.status == "scheduled",
                StaffShift.day >= leave.date_from,
                StaffShift.day <= leave.date_to,
                StaffShift.uncovered_leave_id.is_(None),
            )
        )
    ).all()
    for shift in shifts:
        shift.uncovered_leave_id = leave.id
    await session.flush()
    return list(shifts)


async def cover_again(session: AsyncSession, leave: LeaveRequest) -> None:
    """A cancelled leave no longer uncovers shifts still assigned to its user."""
    shifts = (
        await session.scalars(
            select(StaffShift).where(
                StaffShift.uncovered_leave_id == leave.id, StaffShift.user == leave.user
            )
        )
    ).all()
    for shift in shifts:
        shift.uncovered_leave_id = None
    await session.flush()
