"""Rules of patrols.

- A route's ``rrule`` (RFC 5545) gives the scheduled starts, local times in the property's
  time zone (``schedule.py``). A scheduled patrol may be started from ``window_minutes`` before
  its time until ``window_minutes`` after it.
- ``POST /v1/patrols`` starts a run: it walks the earliest occurrence whose window is open and
  that no other run walks (one run per occurrence, a unique index); with none open, it is a
  patrol outside the schedule (``occurrence_at`` none).
- A scan names a checkpoint of the route, once per run (409 on a second scan; 422 for a code
  the route does not have); ``at`` defaults to now and cannot be before the start or in the
  future. Finishing makes the run ``completed`` (every checkpoint scanned) or ``incomplete``.
- A missed patrol publishes ``propops.security.patrol.missed.v1`` once per occurrence: the
  ``missed_patrols`` row with its unique key (``<route>@<occurrence>``, or ``run:<id>`` for a
  patrol outside the schedule) is written in the same transaction as the event, and nothing is
  published when the key is there already. Two causes: finished with checkpoints missed (at
  finish), or not started within the window (the sweep, ``sweep_missed``, a job taking ``now``;
  on PostgreSQL one replica sweeps at a time, ``try_lock``).
- A run started and never finished is finished by the sweep ``ABANDONED_AFTER`` (six hours)
  after its start, as the guard's finish would: ``incomplete`` with the checkpoints not scanned,
  published once (``checkpoints_missed``), or ``completed`` if every one was scanned.
- The sweep starts where it stopped (the route's watermark ``swept_until``, moved in the same
  transaction as the events), so patrols missed while security was down are published on the
  next sweep, up to ``CATCH_UP`` (31 days) back: a service down longer does not flood the desk
  with month-old patrols (the day's sheet still shows those ``missed``). A route without a
  watermark yet (made before it existed) is swept ``LOOKBACK`` (two days) back; never before
  the route was made.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from propops import recurrence
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.db import utcnow
from propops.errors import Conflict, Invalid
from propops.events.payloads import PatrolMissed
from propops.jobs import try_lock
from propops.lifecycle import Event, Lifecycle
from propops.lists import Filter, ListQuery, ListSpec, contains
from propops.messaging.outbox import emit
from propops.timezones import today_in, zone
from security.patrols.models import (
    COMPLETED,
    IN_PROGRESS,
    INCOMPLETE,
    MissedPatrol,
    PatrolRoute,
    PatrolRun,
    PatrolScan,
)
from security.patrols.schedule import first_day_start, occurrences
from security.patrols.schemas import (
    PatrolSheet,
    RouteIn,
    RunOut,
    ScanIn,
    SheetRow,
    SheetState,
)
from security.posts.service import check_day

LOOKBACK = timedelta(days=2)  # a route not swept yet (no watermark): this far back
CATCH_UP = timedelta(days=31)  # a service down longer: patrols older than this are not published
ABANDONED_AFTER = timedelta(hours=6)  # a run still in progress this long after its start
SWEEP_LOCK = "security-missed-patrols"
NOT_STARTED = "not_started"
CHECKPOINTS_MISSED = "checkpoints_missed"
CLOCK_SKEW = timedelta(minutes=2)  # a scan's ``at`` may be this far ahead of the server

PATROL = Lifecycle(
    "patrol",
    {
        "scan": ((IN_PROGRESS,), None),
        "finish": ((IN_PROGRESS,), None),  # completed or incomplete: the rule chooses
    },
)


# --- routes ------------------------------------------------------------------------------


async def create_route(
    session: AsyncSession, data: RouteIn, principal: Principal, default_time_zone: str
) -> PatrolRoute:
    check_property(principal, data.property_id)
    time_zone = data.time_zone or default_time_zone
    try:
        recurrence.check_start(data.rrule, first_day_start(utcnow(), time_zone), time_zone)
    except ValueError as exc:
        raise Invalid(str(exc), field="rrule") from exc
    route = PatrolRoute(
        property_id=data.property_id,
        name=data.name,
        checkpoints=[c.model_dump() for c in data.checkpoints],
        rrule=data.rrule,
        window_minutes=data.window_minutes,
        time_zone=time_zone,
        created_by=principal.username,
    )
    session.add(route)
    await session.flush()
    return route


async def get_route(session: AsyncSession, route_id: str, principal: Principal) -> PatrolRoute:
    return await get_visible(
        session, PatrolRoute, route_id, principal, noun="patrol route", field="route_id"
    )


ROUTES = ListSpec(
    filters=(Filter("property_id", column=PatrolRoute.property_id, max_length=36),),
    sort={"name": PatrolRoute.name, "created_at": PatrolRoute.created_at},
    default_sort="name",
    search=contains(PatrolRoute.name),
    search_description="words of the route's name",
    id_column=PatrolRoute.id,
)


def list_routes(principal: Principal, query: ListQuery | None = None) -> Select[tuple[PatrolRoute]]:
    stmt = scope_to_properties(select(PatrolRoute), PatrolRoute.property_id, principal)
    return ROUTES.apply(stmt, query or ROUTES.query())


def window(route: PatrolRoute) -> timedelta:
    return timedelta(minutes=route.window_minutes)


def scheduled(route: PatrolRoute, start: datetime, end: datetime) -> list[datetime]:
    """The route's scheduled starts in ``[start, end)`` (UTC), none before the route was made."""
    return occurrences(route.rrule, route.created_at, start, end, route.time_zone)


# --- runs --------------------------------------------------------------------------------


async def run_out(session: AsyncSession, run: PatrolRun) -> RunOut:
    route = await session.get(PatrolRoute, run.route_id)
    assert route is not None
    scans = list(await session.scalars(select(PatrolScan).where(PatrolScan.run_id == run.id)))
    return RunOut.of(run, route, scans)


async def get_run(session: AsyncSession, run_id: str, principal: Principal) -> PatrolRun:
    return await get_visible(session, PatrolRun, run_id, principal, noun="patrol", field="run_id")


async def start(
    session: AsyncSession, route_id: str, principal: Principal, now: datetime | None = None
) -> PatrolRun:
    route = await get_route(session, route_id, principal)
    now = now or utcnow()
    slack = window(route)
    candidates = scheduled(route, now - slack, now + slack + timedelta(seconds=1))
    taken: set[datetime | None] = set()
    if candidates:
        taken = set(
            await session.scalars(
                select(PatrolRun.occurrence_at).where(
                    PatrolRun.route_id == route.id, PatrolRun.occurrence_at.in_(candidates)
                )
            )
        )
    occurrence = next(
        (o for o in candidates if o - slack <= now < o + slack and o not in taken), None
    )
    run = PatrolRun(
        route_id=route.id,
        property_id=route.property_id,
        occurrence_at=occurrence,
        status=IN_PROGRESS,
        guard=principal.username,
        started_at=now,
    )
    session.add(run)
    await session.flush()
    return run


async def scan(
    session: AsyncSession,
    run: PatrolRun,
    data: ScanIn,
    principal: Principal,
    now: datetime | None = None,
) -> PatrolScan:
    now = now or utcnow()
    PATROL.check(run, "scan")
    route = await session.get(PatrolRoute, run.route_id)
    assert route is not None
    codes = [c["code"] for c in route.checkpoints]
    if data.checkpoint_code not in codes:
        raise Invalid(
            f"route {route.name!r} has no checkpoint {data.checkpoint_code!r} "
            f"(it has {', '.join(codes)})",
            field="checkpoint_code",
        )
    at = (data.at or now).astimezone(UTC)
    if at < run.started_at or at > now + CLOCK_SKEW:
        raise Invalid("at must be between the patrol's start and now", field="at")
    done = await session.scalar(
        select(PatrolScan).where(
            PatrolScan.run_id == run.id, PatrolScan.checkpoint_code == data.checkpoint_code
        )
    )
    if done is not None:
        raise Conflict(
            f"checkpoint {data.checkpoint_code} was scanned already at {done.at.isoformat()}",
            field="checkpoint_code",
        )
    row = PatrolScan(
        run_id=run.id,
        checkpoint_code=data.checkpoint_code,
        at=at,
        ok=data.ok,
        note=data.note,
        scanned_by=principal.username,
    )
    run.updated_at = now  # a scan moves the run's version: a finish read before it is stale
    await PATROL.apply(session, run, "scan", step=row)
    return row


async def finish(
    session: AsyncSession, run: PatrolRun, principal: Principal, now: datetime | None = None
) -> PatrolRun:
    return await _finish(session, run, now or utcnow())


async def _finish(session: AsyncSession, run: PatrolRun, now: datetime) -> PatrolRun:
    """``completed``, or ``incomplete`` publishing the missed checkpoints (once per
    occurrence): the guard's finish, or the sweep's for an abandoned run."""
    PATROL.check(run, "finish")
    out = await run_out(session, run)
    missed = out.missed_checkpoints
    run.finished_at = now
    events: list[Event] = []
    if missed:
        route = await session.get(PatrolRoute, run.route_id)
        assert route is not None
        event = await _missed(
            session, route, run.occurrence_at, CHECKPOINTS_MISSED, now, run=run, missed=missed
        )
        events = [event] if event is not None else []
    await PATROL.apply(
        session, run, "finish", to=INCOMPLETE if missed else COMPLETED, events=events
    )
    return run


# --- missed patrols ----------------------------------------------------------------------


def missed_key(route_id: str, occurrence_at: datetime | None, run_id: str | None) -> str:
    if occurrence_at is not None:
        return f"{route_id}@{occurrence_at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}"
    return f"run:{run_id}"


async def _missed(
    session: AsyncSession,
    route: PatrolRoute,
    occurrence_at: datetime | None,
    reason: str,
    now: datetime,
    *,
    run: PatrolRun | None = None,
    missed: list[str] | None = None,
) -> Event | None:
    """The missed-patrol row and its event, unless this occurrence was published already."""
    key = missed_key(route.id, occurrence_at, run.id if run else None)
    if await session.scalar(select(MissedPatrol.id).where(MissedPatrol.key == key)):
        return None
    missed = missed if missed is not None else [c["code"] for c in route.checkpoints]
    session.add(
        MissedPatrol(
            key=key,
            route_id=route.id,
            property_id=route.property_id,
            occurrence_at=occurrence_at,
            run_id=run.id if run else None,
            reason=reason,
            missed_checkpoints=missed,
            at=now,
        )
    )
    payload = PatrolMissed(
        key=key,
        property_id=route.property_id,
        route_id=route.id,
        route_name=route.name,
        reason=reason,
        occurrence_at=occurrence_at,
        run_id=run.id if run else None,
        guard=run.guard if run else None,
        missed_checkpoints=missed,
        at=now,
    )
    return Event(payload, subject=route.id)


def sweep_from(route: PatrolRoute, now: datetime) -> datetime:
    """Where the sweep starts for ``route``: its watermark (``swept_until``); a route not swept
    yet (made before the watermark existed), ``LOOKBACK`` back but not before it was made."""
    if route.swept_until is not None:
        return route.swept_until
    return max(route.created_at, now - LOOKBACK - window(route))


async def sweep_missed(session: AsyncSession, now: datetime | None = None) -> int:
    """Publish every scheduled patrol whose window closed by ``now`` without a run (once per
    occurrence), and finish the runs abandoned by ``now`` (``ABANDONED_AFTER``). Returns how
    many it published; 0 when another replica holds the sweep. The caller commits."""
    now = now or utcnow()
    if not await try_lock(session, SWEEP_LOCK):
        return 0
    published = 0
    routes = (await session.scalars(select(PatrolRoute).order_by(PatrolRoute.id))).all()
    for route in routes:
        until = now - window(route) + timedelta(microseconds=1)  # windows closed by now
        since = max(sweep_from(route, now), now - CATCH_UP - window(route))
        closed = scheduled(route, since, until)
        if route.swept_until is None or until > route.swept_until:
            route.swept_until = until
        if not closed:
            continue
        walked = set(
            await session.scalars(
                select(PatrolRun.occurrence_at).where(
                    PatrolRun.route_id == route.id, PatrolRun.occurrence_at.in_(closed)
                )
            )
        )
        for occurrence in closed:
            if occurrence in walked:
                continue
            event = await _missed(session, route, occurrence, NOT_STARTED, now)
            if event is not None:
                emit(session, event.payload, subject=event.subject)
                published += 1
    published += await _finish_abandoned(session, now)
    await session.flush()
    return published


async def _finish_abandoned(session: AsyncSession, now: datetime) -> int:
    """Finish every run still in progress ``ABANDONED_AFTER`` after it started, as the guard
    would have: ``incomplete`` with the checkpoints not scanned (published once), or
    ``completed`` if all were. The number published."""
    stale = await session.scalars(
        select(PatrolRun)
        .where(PatrolRun.status == IN_PROGRESS, PatrolRun.started_at <= now - ABANDONED_AFTER)
        .order_by(PatrolRun.id)
    )
    published = 0
    for run in stale.all():
        if (await _finish(session, run, now)).status == INCOMPLETE:
            published += 1
    return published


# --- the day's sheet ---------------------------------------------------------------------


def _state(occurrence: datetime, route: PatrolRoute, run: PatrolRun | None, now: datetime) -> str:
    if run is not None:
        return {
            IN_PROGRESS: SheetState.in_progress,
            COMPLETED: SheetState.done,
            INCOMPLETE: SheetState.missed,
        }[run.status]
    if now >= occurrence + window(route):
        return SheetState.missed
    if now >= occurrence - window(route):
        return SheetState.due
    return SheetState.upcoming


def _day_bounds(day: date, time_zone: str) -> tuple[datetime, datetime]:
    tz = zone(time_zone)
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def _when(row: SheetRow, now: datetime) -> datetime:
    if row.occurrence_at is not None:
        return row.occurrence_at
    return row.run.started_at if row.run is not None else now


async def sheet(
    session: AsyncSession,
    principal: Principal,
    *,
    day: date | None = None,
    route_id: str | None = None,
    property_id: str | None = None,
    now: datetime | None = None,
) -> PatrolSheet:
    """The patrol sheet (安全巡視表) of a day: every scheduled patrol of the routes asked for,
    with its run and its state, then the patrols outside the schedule started that day. The
    next day's first patrols whose window opens before midnight (an hourly round's 00:00 opens
    at 23:00) are on it too while they are due or being walked (``next_day``): the guard on
    duty sees them where he is looking; done or missed, they are the next day's only."""
    check_day(day)
    now = now or utcnow()
    stmt = scope_to_properties(select(PatrolRoute), PatrolRoute.property_id, principal)
    if route_id is not None:
        stmt = stmt.where(PatrolRoute.id == route_id)
    if property_id is not None:
        check_property(principal, property_id)
        stmt = stmt.where(PatrolRoute.property_id == property_id)
    routes = (await session.scalars(stmt.order_by(PatrolRoute.name, PatrolRoute.id))).all()
    if route_id is not None and not routes:
        await get_route(session, route_id, principal)  # 404 or 403 naming route_id
    rows: list[SheetRow] = []
    for route in routes:
        start, end = _day_bounds(day or today_in(route.time_zone, now), route.time_zone)
        reach = end + window(route)  # the next day's patrols whose window opens on this day
        runs = (
            await session.scalars(
                select(PatrolRun).where(
                    PatrolRun.route_id == route.id,
                    (
                        (PatrolRun.occurrence_at >= start) & (PatrolRun.occurrence_at < reach)
                        | PatrolRun.occurrence_at.is_(None)
                        & (PatrolRun.started_at >= start)
                        & (PatrolRun.started_at < end)
                    ),
                )
            )
        ).all()
        by_occurrence = {r.occurrence_at: r for r in runs if r.occurrence_at is not None}
        published = set(
            await session.scalars(
                select(MissedPatrol.occurrence_at).where(
                    MissedPatrol.route_id == route.id,
                    MissedPatrol.occurrence_at >= start,
                    MissedPatrol.occurrence_at < end,
                )
            )
        )
        for occurrence in scheduled(route, start, reach):
            run = by_occurrence.get(occurrence)
            state = _state(occurrence, route, run, now)
            next_day = occurrence >= end
            if next_day and state not in (SheetState.due, SheetState.in_progress):
                continue
            if run is None and occurrence in published:
                state = SheetState.missed  # the sweep said so, whatever the clock here says
            rows.append(
                SheetRow(
                    route_id=route.id,
                    route_name=route.name,
                    property_id=route.property_id,
                    occurrence_at=occurrence,
                    start_by=occurrence + window(route),
                    state=SheetState(state),
                    run=await run_out(session, run) if run is not None else None,
                    next_day=next_day,
                )
            )
        for run in sorted((r for r in runs if r.occurrence_at is None), key=lambda r: r.started_at):
            out = await run_out(session, run)
            rows.append(
                SheetRow(
                    route_id=route.id,
                    route_name=route.name,
                    property_id=route.property_id,
                    occurrence_at=None,
                    start_by=None,
                    state=SheetState(_state(run.started_at, route, run, now)),
                    run=out,
                )
            )
    rows.sort(key=lambda r: (_when(r, now), r.route_name))
    return PatrolSheet(date=day, items=rows)
