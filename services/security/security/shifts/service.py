"""Rules of the roster.

- The guard is an active user holding the ``security`` role in the service's copy of the
  gateway's users (422 naming ``guard`` otherwise).
- A guard cannot be on two shifts at once: a shift overlapping another of the same guard (at any
  post) is a 409 naming the clash (``clash_shift_id``, its post, start and end). Touching shifts
  (one ends when the next starts) do not clash.
- Concurrent requests for the same guard take turns: the first statement of the change writes
  the guard's ``guard_locks`` row (row lock on PostgreSQL, the database's write lock on SQLite,
  held until the transaction ends), and only then is the clash looked for.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from propops.auth import Principal, get_visible, scope_to_properties
from propops.directory.service import require_member
from propops.errors import Conflict, Invalid
from propops.lists import Filter, ListQuery, ListSpec
from propops.roster import first_overlap, take_turns
from security.posts.models import Post
from security.posts.service import get_post
from security.shifts.models import GuardLock, Shift
from security.shifts.schemas import ShiftIn

DEPARTMENT = "security"


async def lock_guard(session: AsyncSession, guard: str) -> None:
    """Take the guard's roster lock until the transaction ends."""
    await take_turns(session, GuardLock, guard)


async def clash(session: AsyncSession, guard: str, start: datetime, end: datetime) -> Shift | None:
    """The guard's first shift overlapping ``[start, end)``, if any."""
    return await first_overlap(session, Shift, start, end, Shift.guard == guard)


async def create_shift(session: AsyncSession, data: ShiftIn, principal: Principal) -> Shift:
    post = await get_post(session, data.post_id, principal)
    await require_member(session, data.guard, DEPARTMENT, field="guard")
    await lock_guard(session, data.guard)
    other = await clash(session, data.guard, data.start, data.end)
    if other is not None:
        other_post = await session.get(Post, other.post_id)
        where = other_post.code if other_post is not None else other.post_id
        raise Conflict(
            f"{data.guard} is already on shift at post {where} from "
            f"{other.start.isoformat()} to {other.end.isoformat()} (shift {other.id})",
            field="guard",
            clash_shift_id=other.id,
            clash_post_id=other.post_id,
            clash_start=other.start.isoformat(),
            clash_end=other.end.isoformat(),
        )
    shift = Shift(
        post_id=post.id,
        property_id=post.property_id,
        guard=data.guard,
        start=data.start,
        end=data.end,
        created_by=principal.username,
    )
    session.add(shift)
    await session.flush()
    return shift


async def delete_shift(session: AsyncSession, shift_id: str, principal: Principal) -> None:
    """Take a shift off the roster."""
    shift = await get_visible(session, Shift, shift_id, principal, noun="shift", field="shift_id")
    await lock_guard(session, shift.guard)
    await session.delete(shift)
    await session.flush()


def _utc(at: datetime, field: str) -> datetime:
    """A time of a query: UTC when it names no zone; years 1970-2199."""
    if not 1970 <= at.year < 2200:
        raise Invalid(f"{field} must be between 1970 and 2199", field=field)
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


LIST = ListSpec(
    filters=(
        Filter("property_id", column=Shift.property_id, max_length=36),
        Filter("post_id", column=Shift.post_id, max_length=36),
        Filter("guard", column=Shift.guard, max_length=80),
        Filter(
            "ends_after",
            type=datetime,
            where=lambda at: Shift.end > _utc(at, "ends_after"),
            description="only shifts ending after this time (ISO 8601)",
        ),
        Filter(
            "starts_before",
            type=datetime,
            where=lambda at: Shift.start < _utc(at, "starts_before"),
            description="only shifts starting before this time (ISO 8601)",
        ),
    ),
    sort={"start": Shift.start, "guard": (Shift.guard, Shift.start)},
    default_sort="start",
    id_column=Shift.id,
)


def list_shifts(principal: Principal, query: ListQuery | None = None) -> Select[tuple[Shift]]:
    stmt = scope_to_properties(select(Shift), Shift.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())
