"""Patrols: runs walk the scheduled occurrence whose window is open, checkpoints are scanned once
each, finishing with checkpoints missed or not starting in the window publishes
``propops.security.patrol.missed.v1`` once per occurrence (a clock the test controls: the rules
take ``now``), and the day's sheet shows every scheduled patrol with its run."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from propops.auth import Principal
from propops.jobs import lock_key
from propops.messaging.models import OutboxRow
from propops.testing.fixtures import RunningApp
from propops.testing.tasks import known_user
from propops.timezones import today_in
from security.app import create_app
from security.patrols import service as patrols
from security.patrols.models import PatrolRun
from security.patrols.schemas import ScanIn
from security.settings import SecuritySettings

MISSED = "propops.security.patrol.missed.v1"
HK = "Asia/Hong_Kong"
GUARD = Principal(user_id="gary", username="gary", roles=frozenset({"security"}))


@pytest.fixture
async def security(start_service) -> RunningApp:
    app = await start_service(create_app, "security", settings_cls=SecuritySettings)
    await known_user(app, "gary", "security")
    return app


async def a_route(app: RunningApp, **extra: Any) -> dict[str, Any]:
    body = {
        "property_id": "p-1",
        "name": "Night round",
        "checkpoints": [{"code": "CP1", "name": "Car park B2"}, {"code": "CP2", "name": "Roof"}],
        "rrule": "FREQ=DAILY;BYHOUR=9,21;BYMINUTE=0",
        "window_minutes": 30,
        "time_zone": HK,
        **extra,
    }
    r = await app.client.post("/v1/patrol-routes", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def at_hk(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


async def missed_events(app: RunningApp) -> list[dict[str, Any]]:
    async with app.ctx.db.sessions() as s:
        rows = await s.scalars(
            select(OutboxRow.envelope).where(OutboxRow.type == MISSED).order_by(OutboxRow.seq)
        )
        return [json.loads(e)["data"] for e in rows.all()]


async def test_a_patrol_over_http_scans_once_each_and_finishing_short_is_missed(
    security: RunningApp,
) -> None:
    # hourly with a one-hour window: whatever the time now, a scheduled patrol is open
    route = await a_route(security, rrule="FREQ=HOURLY;BYMINUTE=0", window_minutes=60)
    r = await security.client.post("/v1/patrols", json={"route_id": route["id"]})
    assert r.status_code == 201, r.text
    run = r.json()
    assert run["status"] == "in_progress" and run["occurrence_at"] is not None
    assert run["missed_checkpoints"] == ["CP1", "CP2"]
    base = f"/v1/patrols/{run['id']}"
    r = await security.client.post(
        f"{base}/scan", json={"checkpoint_code": "CP1", "ok": False, "note": "door ajar"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["missed_checkpoints"] == ["CP2"] and r.headers["ETag"] == '"2"'
    r = await security.client.post(f"{base}/scan", json={"checkpoint_code": "CP1"})
    assert r.status_code == 409 and r.json()["field"] == "checkpoint_code"
    r = await security.client.post(f"{base}/scan", json={"checkpoint_code": "CP9"})
    assert r.status_code == 422 and r.json()["field"] == "checkpoint_code"
    r = await security.client.post(
        f"{base}/scan", json={"checkpoint_code": "CP2", "at": "2000-01-01T00:00:00Z"}
    )
    assert r.status_code == 422 and r.json()["field"] == "at"
    r = await security.client.post(f"{base}/finish", headers={"If-Match": '"1"'})
    assert r.status_code == 412, r.text
    r = await security.client.post(f"{base}/finish", headers={"If-Match": '"2"'})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "incomplete" and r.json()["missed_checkpoints"] == ["CP2"]
    r = await security.client.post(f"{base}/finish")
    assert r.status_code == 409 and r.json()["current_state"] == "incomplete"
    sent = await missed_events(security)
    assert len(sent) == 1
    assert sent[0]["reason"] == "checkpoints_missed" and sent[0]["missed_checkpoints"] == ["CP2"]
    assert sent[0]["run_id"] == run["id"] and sent[0]["guard"] == "test-user"

    # the run's occurrence is on the sheet of its own local day (between 23:00 and midnight
    # the open one is tomorrow's 00:00: the hour begun is before the route was made)
    day = datetime.fromisoformat(run["occurrence_at"]).astimezone(ZoneInfo(HK)).date()
    sheet = (
        await security.client.get(
            "/v1/patrols", params={"route_id": route["id"], "date": day.isoformat()}
        )
    ).json()
    row = next(i for i in sheet["items"] if i["run"] and i["run"]["id"] == run["id"])
    assert row["state"] == "missed" and row["occurrence_at"] == run["occurrence_at"]

    # a second patrol now walks the next open occurrence (or none: outside the schedule)
    r = await security.client.post("/v1/patrols", json={"route_id": route["id"]})
    second = r.json()
    assert second["occurrence_at"] != run["occurrence_at"]
    for code in ("CP1", "CP2"):
        r = await security.client.post(
            f"/v1/patrols/{second['id']}/scan", json={"checkpoint_code": code}
        )
        assert r.status_code == 200, r.text
    r = await security.client.post(f"/v1/patrols/{second['id']}/finish")
    assert r.json()["status"] == "completed"
    assert len(await missed_events(security)) == 1

    r = await security.client.post("/v1/patrol-routes", json={**route, "rrule": "FREQ=SOMETIMES"})
    assert r.status_code == 422 and r.json()["field"] == "rrule"
    r = await security.client.post(
        "/v1/patrol-routes",
        json={**route, "checkpoints": [{"code": "A", "name": "a"}, {"code": "A", "name": "b"}]},
    )
    assert r.status_code == 422 and r.json()["field"] == "checkpoints"


async def test_missed_patrols_are_published_once_per_occurrence(security: RunningApp) -> None:
    route = await a_route(security)
    day = today_in(HK) + timedelta(days=2)  # a day the test's clock walks through
    async with security.ctx.db.sessions() as session:
        run = await patrols.start(session, route["id"], GUARD, now=at_hk(day, 9, 5))
        assert run.occurrence_at == at_hk(day, 9)
        await patrols.scan(
            session, run, ScanIn(checkpoint_code="CP1"), GUARD, now=at_hk(day, 9, 10)
        )
        late = await patrols.start(session, route["id"], GUARD, now=at_hk(day, 9, 20))
        assert late.occurrence_at is None  # 09:00 is taken; 21:00 is not open yet
        await session.commit()

    async def sweep(now: datetime) -> int:
        async with security.ctx.db.sessions() as session:
            published = await patrols.sweep_missed(session, now=now)
            await session.commit()
            return published

    def keyed(events: list[dict[str, Any]], at: datetime) -> list[dict[str, Any]]:
        return [
            e
            for e in events
            if e["occurrence_at"] and datetime.fromisoformat(e["occurrence_at"]) == at
        ]

    # 09:00 is being walked: the sweep at 09:31 leaves it alone
    await sweep(at_hk(day, 9, 31))
    assert keyed(await missed_events(security), at_hk(day, 9)) == []
    async with security.ctx.db.sessions() as session:
        run = await session.get(PatrolRun, run.id)
        assert run is not None
        await patrols.finish(session, run, GUARD, now=at_hk(day, 9, 40))
        await session.commit()
    # 21:00 is not started by 21:30: missed, once, however often the sweep runs
    assert keyed(await missed_events(security), at_hk(day, 21)) == []
    await sweep(at_hk(day, 21, 29))
    assert keyed(await missed_events(security), at_hk(day, 21)) == []
    await sweep(at_hk(day, 21, 30))
    assert await sweep(at_hk(day, 21, 30)) == 0
    await sweep(at_hk(day, 23, 0))
    events = await missed_events(security)
    morning, evening = keyed(events, at_hk(day, 9)), keyed(events, at_hk(day, 21))
    assert [e["reason"] for e in morning] == ["checkpoints_missed"]
    assert morning[0]["missed_checkpoints"] == ["CP2"]
    assert [e["reason"] for e in evening] == ["not_started"]
    assert evening[0]["missed_checkpoints"] == ["CP1", "CP2"]
    assert len({e["key"] for e in events}) == len(events)

    sheet = (
        await security.client.get(
            "/v1/patrols", params={"date": day.isoformat(), "route_id": route["id"]}
        )
    ).json()
    assert [(i["occurrence_at"] is not None, i["state"]) for i in sheet["items"]] == [
        (True, "missed"),  # 09:00 finished with CP2 missed
        (False, "missed"),  # outside the schedule, started 09:20, abandoned: the sweep ended it
        (True, "missed"),  # 21:00 never started
    ]
    r = await security.client.get("/v1/patrols", params={"route_id": "nope"})
    assert r.status_code == 404 and r.json()["field"] == "route_id"


async def test_a_patrol_never_finished_is_finished_incomplete_by_the_sweep(
    security: RunningApp,
) -> None:
    route = await a_route(security)
    day = today_in(HK) + timedelta(days=2)  # a day the test's clock walks through
    async with security.ctx.db.sessions() as session:
        walked = await patrols.start(session, route["id"], GUARD, now=at_hk(day, 9, 5))
        await patrols.scan(
            session, walked, ScanIn(checkpoint_code="CP1"), GUARD, now=at_hk(day, 9, 10)
        )
        whole = await patrols.start(session, route["id"], GUARD, now=at_hk(day, 9, 15))
        assert whole.occurrence_at is None  # 09:00 is taken: outside the schedule
        for code in ("CP1", "CP2"):
            await patrols.scan(
                session, whole, ScanIn(checkpoint_code=code), GUARD, now=at_hk(day, 9, 20)
            )
        await session.commit()
        ids = walked.id, whole.id

    async def sweep(now: datetime) -> list[str]:
        async with security.ctx.db.sessions() as session:
            await patrols.sweep_missed(session, now=now)
            await session.commit()
            runs = [await session.get(PatrolRun, i) for i in ids]
            return [r.status for r in runs if r is not None]

    def of_run(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [e for e in events if e["run_id"] == ids[0]]

    # still being walked a while after its window: left alone
    just_before = at_hk(day, 9, 5) + patrols.ABANDONED_AFTER - timedelta(minutes=1)
    assert await sweep(just_before) == ["in_progress", "in_progress"]
    assert of_run(await missed_events(security)) == []
    # abandoned: finished as the guard would have, published once however often the sweep runs
    assert await sweep(at_hk(day, 9, 15) + patrols.ABANDONED_AFTER) == ["incomplete", "completed"]
    await sweep(at_hk(day, 23, 0))
    sent = of_run(await missed_events(security))
    assert [(e["reason"], e["missed_checkpoints"]) for e in sent] == [
        ("checkpoints_missed", ["CP2"])
    ]
    assert sent[0]["occurrence_at"] is not None and sent[0]["guard"] == "gary"
    assert [e for e in await missed_events(security) if e["run_id"] == ids[1]] == []
    r = await security.client.post(f"/v1/patrols/{ids[0]}/finish")
    assert r.status_code == 409 and r.json()["current_state"] == "incomplete"


async def test_patrols_missed_while_security_was_down_are_published_on_the_next_sweep(
    security: RunningApp,
) -> None:
    route = await a_route(security)  # 09:00 and 21:00, a 30-minute window
    day = today_in(HK) + timedelta(days=2)  # a day the test's clock walks through

    async def sweep(now: datetime) -> int:
        async with security.ctx.db.sessions() as session:
            published = await patrols.sweep_missed(session, now=now)
            await session.commit()
            return published

    def missed_at(events: list[dict[str, Any]]) -> list[datetime]:
        return sorted(
            datetime.fromisoformat(e["occurrence_at"])
            for e in events
            if e["route_id"] == route["id"] and e["reason"] == "not_started"
        )

    await sweep(at_hk(day, 9, 31))
    assert at_hk(day, 9) in missed_at(await missed_events(security))
    # down from 09:31 until four days later at 23:00: every patrol in the gap, once each
    await sweep(at_hk(day + timedelta(days=4), 23, 0))
    await sweep(at_hk(day + timedelta(days=4), 23, 5))
    gap = [at_hk(day + timedelta(days=d), h) for d in range(5) for h in (9, 21)]
    assert [o for o in missed_at(await missed_events(security)) if o >= at_hk(day, 9)] == gap
    async with security.ctx.db.sessions() as session:
        row = await session.get(patrols.PatrolRoute, route["id"])
        assert row is not None and row.swept_until is not None
        assert row.swept_until > at_hk(day + timedelta(days=4), 22, 34)


async def test_a_sweep_skips_its_round_while_another_replica_holds_it(
    security: RunningApp,
) -> None:
    if security.ctx.db.dialect != "postgresql":
        pytest.skip("the sweep's advisory lock exists on PostgreSQL only")
    await a_route(security)
    later = at_hk(today_in(HK) + timedelta(days=2), 9, 31)
    async with security.ctx.db.sessions() as other_replica:
        assert await other_replica.scalar(
            text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": lock_key(patrols.SWEEP_LOCK)}
        )
        async with security.ctx.db.sessions() as session:
            assert await patrols.sweep_missed(session, now=later) == 0
        await other_replica.rollback()
    async with security.ctx.db.sessions() as session:
        assert await patrols.sweep_missed(session, now=later) > 0
        await session.commit()
    assert await missed_events(security)


async def test_the_next_days_first_patrol_is_on_the_sheet_while_its_window_is_open(
    security: RunningApp,
) -> None:
    """An hourly round's 00:00 patrol may be started from 23:00: the day's sheet shows it then
    (marked as the next day's) while it is due or being walked, and not once it is over."""
    route = await a_route(security, rrule="FREQ=HOURLY;BYMINUTE=0", window_minutes=60)
    day = today_in(HK) + timedelta(days=2)
    midnight = at_hk(day + timedelta(days=1), 0)

    async def sheet_at(now: datetime, on: date = day) -> list[tuple[datetime, str, bool]]:
        async with security.ctx.db.sessions() as session:
            got = await patrols.sheet(session, GUARD, day=on, route_id=route["id"], now=now)
        return [(r.occurrence_at, r.state, r.next_day) for r in got.items if r.occurrence_at]

    # 22:30: the 00:00 window has not opened; the day ends with its 23:00 patrol
    rows = await sheet_at(at_hk(day, 22, 30))
    assert len(rows) == 24 and rows[-1] == (at_hk(day, 23), "due", False)
    # 23:30: the next day's 00:00 is due, on this day's sheet (and on its own day's, first)
    rows = await sheet_at(at_hk(day, 23, 30))
    assert rows[-1] == (midnight, "due", True) and len(rows) == 25
    assert (await sheet_at(at_hk(day, 23, 30), day + timedelta(days=1)))[0] == (
        midnight,
        "due",
        False,
    )
    async with security.ctx.db.sessions() as session:
        # the earliest open window first: 23:00 (taken at 23:05), then 00:00
        first = await patrols.start(session, route["id"], GUARD, now=at_hk(day, 23, 5))
        assert first.occurrence_at == at_hk(day, 23)
        run = await patrols.start(session, route["id"], GUARD, now=at_hk(day, 23, 40))
        assert run.occurrence_at == midnight
        await session.commit()
    assert (await sheet_at(at_hk(day + timedelta(days=1), 0, 20)))[-1] == (
        midnight,
        "in_progress",
        True,
    )
    async with security.ctx.db.sessions() as session:
        run = await session.get(PatrolRun, run.id)
        assert run is not None
        for code in ("CP1", "CP2"):
            await patrols.scan(
                session, run, ScanIn(checkpoint_code=code), GUARD, now=at_hk(day, 23, 50)
            )
        await patrols.finish(session, run, GUARD, now=at_hk(day, 23, 55))
        await session.commit()
    # done: the next day's only
    rows = await sheet_at(at_hk(day + timedelta(days=1), 0, 20))
    assert len(rows) == 24 and midnight not in [at for at, _, _ in rows], rows[-3:]
    assert (await sheet_at(at_hk(day + timedelta(days=1), 0, 20), day + timedelta(days=1)))[0] == (
        midnight,
        "done",
        False,
    )
