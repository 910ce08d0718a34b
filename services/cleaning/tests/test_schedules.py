"""Cleaning schedules make the day's tasks exactly once per occurrence: the rule as plain
functions, then the job with a clock the test controls: re-run, days missed while down, two
runs at once and a restart of the service produce no duplicate and skip none."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from cleaning.app import create_app
from cleaning.schedules.generate import due_days, generate
from cleaning.schedules.models import Schedule
from cleaning.schedules.service import check_rule
from propops.errors import Invalid
from propops.testing.fixtures import RunningApp
from propops.testing.tasks import known_user
from propops.timezones import DEFAULT_TIME_ZONE, zone

# Days far ahead, so that the service's own job (the real clock) never reaches them.
MONDAY = date(2031, 3, 3)


def at(day: date, hour: int = 8) -> datetime:
    """A moment of ``day`` in the schedules' time zone (Hong Kong): the test's clock."""
    return datetime.combine(day, time(hour), tzinfo=zone(DEFAULT_TIME_ZONE))


def plain(rule: str, starts_on: date, through: date | None = None) -> Any:
    return SimpleNamespace(
        rrule=rule, starts_on=starts_on, generated_through=through, time_zone=DEFAULT_TIME_ZONE
    )


def test_due_days_are_the_rules_days_after_the_cursor() -> None:
    twice_a_week = plain("FREQ=WEEKLY;BYDAY=MO,TH", MONDAY)
    sunday = MONDAY + timedelta(days=13)
    assert due_days(twice_a_week, sunday) == [MONDAY + timedelta(days=d) for d in (0, 3, 7, 10)]
    assert due_days(
        plain("FREQ=WEEKLY;BYDAY=MO,TH", MONDAY, MONDAY + timedelta(days=7)), sunday
    ) == [MONDAY + timedelta(days=10)]
    assert (
        due_days(
            plain("FREQ=DAILY", MONDAY, MONDAY + timedelta(days=2)), MONDAY + timedelta(days=2)
        )
        == []
    )
    assert due_days(plain("FREQ=DAILY", MONDAY), MONDAY - timedelta(days=1)) == []  # not begun
    # a time of day changes nothing: one task that day
    assert due_days(plain("FREQ=DAILY;BYHOUR=7;BYMINUTE=30", MONDAY), MONDAY) == [MONDAY]


@pytest.mark.parametrize(
    "rule", ["FREQ=HOURLY", "FREQ=DAILY;BYHOUR=8,14", "FREQ=DAILY;BYMINUTE=0,30"]
)
def test_a_schedule_occurs_at_most_once_a_day(rule: str) -> None:
    with pytest.raises(Invalid) as refused:
        check_rule(rule, MONDAY, DEFAULT_TIME_ZONE)
    assert refused.value.field == "rrule" and "one task a day" in refused.value.detail
    check_rule("FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9", MONDAY, DEFAULT_TIME_ZONE)


def test_a_schedule_must_occur_from_its_start() -> None:
    # the day of month comes from the start: 31 February never comes
    with pytest.raises(Invalid) as refused:
        check_rule("FREQ=MONTHLY;BYMONTH=2", date(2031, 1, 31), DEFAULT_TIME_ZONE)
    assert refused.value.field == "rrule" and "never occurs" in refused.value.detail
    check_rule("FREQ=MONTHLY;BYMONTH=2", date(2031, 1, 28), DEFAULT_TIME_ZONE)


async def scheduled(app: RunningApp, area_id: str) -> list[dict[str, Any]]:
    r = await app.client.get(
        "/v1/tasks", params={"kind": "scheduled", "asset_id": area_id, "limit": 200}
    )
    assert r.status_code == 200, r.text
    return r.json()["items"]


def days_of(tasks: list[dict[str, Any]]) -> list[str]:
    return sorted(t["source_key"].rsplit(":", 1)[1] for t in tasks)


async def test_schedules_make_each_days_task_exactly_once(start_service) -> None:
    app = await start_service(create_app, "cleaning")
    c = app.client
    await known_user(app, "ah-fong", "cleaning")
    area = (
        await c.post(
            "/v1/areas",
            json={
                "property_id": "p-1",
                "code": "A-LOBBY",
                "name": "Block A lobby",
                "kind": "lobby",
            },
        )
    ).json()
    base = {"area_id": area["id"], "task": "Mop the lobby", "starts_on": MONDAY.isoformat()}
    for change, field in [
        ({"rrule": "FREQ=SOMETIMES"}, "rrule"),
        ({"rrule": "FREQ=HOURLY"}, "rrule"),
        ({"rrule": "FREQ=DAILY;BYHOUR=8,14"}, "rrule"),
        ({"rrule": "FREQ=MONTHLY;BYMONTH=2", "starts_on": "2031-01-31"}, "rrule"),
        ({"rrule": "FREQ=DAILY", "area_id": "nope"}, "area_id"),
        ({"rrule": "FREQ=DAILY", "assignee": "nobody"}, "assignee"),
        ({"rrule": "FREQ=DAILY", "task": "  "}, "task"),
        ({"rrule": "FREQ=DAILY", "starts_on": "2020-01-01"}, "starts_on"),
    ]:
        r = await c.post("/v1/schedules", json={**base, **change})
        assert r.status_code == 422 and r.json()["field"] == field, (change, r.text)
    r = await c.post("/v1/schedules", json={**base, "rrule": "freq=daily", "assignee": "ah-fong"})
    assert r.status_code == 201, r.text
    daily = r.json()
    assert daily["rrule"] == "FREQ=DAILY" and daily["property_id"] == "p-1"
    r = await c.post(
        "/v1/schedules",
        json={**base, "task": "Wipe the mailboxes", "rrule": "FREQ=WEEKLY;BYDAY=MO,TH"},
    )
    weekly = r.json()

    # Monday morning, twice: one task per schedule
    await generate(app.ctx.db, at(MONDAY))
    await generate(app.ctx.db, at(MONDAY, 18))
    tasks = await scheduled(app, area["id"])
    assert len(tasks) == 2
    mop = next(t for t in tasks if t["source_id"] == daily["id"])
    assert mop["source_key"] == f"scheduled:{daily['id']}:{MONDAY.isoformat()}"
    assert mop["status"] == "assigned" and mop["assignee"] == "ah-fong"
    assert mop["title"] == "Mop the lobby" and mop["reference"].startswith("CL-")

    # down on Tuesday and Wednesday: Thursday's run makes Tue, Wed and Thu (and Thu's weekly)
    await generate(app.ctx.db, at(MONDAY + timedelta(days=3)))
    # two runs at once (two replicas) on Friday
    await asyncio.gather(
        generate(app.ctx.db, at(MONDAY + timedelta(days=4))),
        generate(app.ctx.db, at(MONDAY + timedelta(days=4), 9)),
    )
    # a restart: a new process on the same database, the clock still on Friday, then Monday
    await app.stop()
    app = await start_service(create_app, "cleaning")
    await generate(app.ctx.db, at(MONDAY + timedelta(days=4), 20))
    await generate(app.ctx.db, at(MONDAY + timedelta(days=7)))

    tasks = await scheduled(app, area["id"])
    week = [(MONDAY + timedelta(days=d)).isoformat() for d in range(8)]
    assert days_of([t for t in tasks if t["source_id"] == daily["id"]]) == week
    assert days_of([t for t in tasks if t["source_id"] == weekly["id"]]) == [
        week[0],
        week[3],
        week[7],
    ]
    assert len({t["reference"] for t in tasks}) == len(tasks) == 11
    r = await app.client.get(f"/v1/schedules/{daily['id']}")
    assert r.json()["generated_through"] == week[7]
    listed = (await app.client.get("/v1/schedules", params={"area_id": area["id"]})).json()
    assert listed["total"] == 2


async def test_one_schedule_whose_rule_fails_does_not_stop_the_others(start_service) -> None:
    app = await start_service(create_app, "cleaning")
    c = app.client
    area = (
        await c.post(
            "/v1/areas",
            json={
                "property_id": "p-1",
                "code": "B-LOBBY",
                "name": "Block B lobby",
                "kind": "lobby",
            },
        )
    ).json()
    made = []
    for task in ("Mop the lobby", "Polish the lift doors", "Wipe the mailboxes"):
        r = await c.post(
            "/v1/schedules",
            json={
                "area_id": area["id"],
                "task": task,
                "rrule": "FREQ=DAILY",
                "starts_on": MONDAY.isoformat(),
            },
        )
        assert r.status_code == 201, r.text
        made.append(r.json())
    bad = made[1]
    # stored before the start was checked: 31 February never comes
    async with app.ctx.db.sessions() as session:
        row = await session.get(Schedule, bad["id"])
        assert row is not None
        row.rrule, row.starts_on = "FREQ=MONTHLY;BYMONTH=2", date(2031, 1, 31)
        await session.commit()

    await generate(app.ctx.db, at(MONDAY + timedelta(days=1)))

    tasks = await scheduled(app, area["id"])
    both_days = [MONDAY.isoformat(), (MONDAY + timedelta(days=1)).isoformat()]
    for good in (made[0], made[2]):
        assert days_of([t for t in tasks if t["source_id"] == good["id"]]) == both_days
    assert [t for t in tasks if t["source_id"] == bad["id"]] == []
    r = await c.get(f"/v1/schedules/{bad['id']}")
    assert r.json()["generated_through"] is None  # its cursor stays put
