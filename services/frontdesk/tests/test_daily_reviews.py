"""The supervisor's daily review: signed by the desk's supervisor or a manager (a plain clerk:
403), once per property and day (409 naming the review), the signature published for the office
manager, and the desk's figures of one local day."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select
from test_inspections import daily_failure

from frontdesk.app import create_app
from frontdesk.nonconformances.models import Nonconformance
from frontdesk.settings import FrontdeskSettings
from propops.messaging.models import OutboxRow
from propops.testing.fixtures import RunningApp, token_for
from propops.timezones import today_in

SIGNED = "propops.frontdesk.daily_review.signed.v1"


@pytest.fixture
async def fd(start_service) -> RunningApp:
    return await start_service(create_app, "frontdesk", settings_cls=FrontdeskSettings)


def clerk(
    fd: RunningApp, name: str, *property_ids: str, roles: tuple[str, ...] = ("frontdesk",)
) -> httpx.AsyncClient:
    token = token_for(fd.settings, *roles, user_id=name, property_ids=list(property_ids))
    return httpx.AsyncClient(base_url=fd.url, headers={"Authorization": f"Bearer {token}"})


def supervisor(fd: RunningApp, name: str, *property_ids: str) -> httpx.AsyncClient:
    return clerk(fd, name, *property_ids, roles=("frontdesk", "supervisor"))


async def test_sign_once_list_and_event(fd: RunningApp) -> None:
    prop = (await fd.client.post("/v1/properties", json={"code": "DRA", "name": "A"})).json()
    today = today_in(prop["time_zone"])
    async with supervisor(fd, "sue", prop["id"]) as sue, supervisor(fd, "tom", prop["id"]) as tom:
        r = await sue.post(
            "/v1/daily-reviews",
            json={"property_id": prop["id"], "date": today.isoformat(), "notes": " Lobby ok. "},
        )
        assert r.status_code == 201, r.text
        review = r.json()
        assert review["signed_by"] == "sue" and review["notes"] == "Lobby ok."
        assert review["date"] == today.isoformat() and review["signed_at"]

        # a second signature of the day: 409 naming the review that signed it
        r = await tom.post(
            "/v1/daily-reviews", json={"property_id": prop["id"], "date": today.isoformat()}
        )
        assert r.status_code == 409, r.text
        problem = r.json()
        assert problem["field"] == "date" and problem["existing_id"] == review["id"]
        assert problem["signed_by"] == "sue"

        # the day before is a day of its own
        yesterday = (today - timedelta(days=1)).isoformat()
        r = await tom.post("/v1/daily-reviews", json={"property_id": prop["id"], "date": yesterday})
        assert r.status_code == 201, r.text

        r = await tom.get(f"/v1/daily-reviews/{review['id']}")
        assert r.status_code == 200 and r.json()["signed_by"] == "sue"
        r = await tom.get(
            "/v1/daily-reviews",
            params={"property_id": prop["id"], "from": today.isoformat(), "to": today.isoformat()},
        )
        assert r.status_code == 200, r.text
        assert [i["id"] for i in r.json()["items"]] == [review["id"]]
        r = await tom.get("/v1/daily-reviews", params={"property_id": prop["id"]})
        assert [i["date"] for i in r.json()["items"]] == [today.isoformat(), yesterday]

        # the desk's day shows the signature
        r = await tom.get(
            "/v1/reports/day", params={"property_id": prop["id"], "date": today.isoformat()}
        )
        assert r.status_code == 200, r.text
        assert r.json()["review"]["signed_by"] == "sue"

    async with fd.ctx.db.sessions() as session:
        rows = (
            await session.scalars(select(OutboxRow.envelope).where(OutboxRow.type == SIGNED))
        ).all()
    events = [json.loads(e) if isinstance(e, str) else e for e in rows]
    mine = [e["data"] for e in events if e["data"]["review_id"] == review["id"]]
    assert len(mine) == 1
    assert mine[0]["property_id"] == prop["id"] and mine[0]["signed_by"] == "sue"
    assert mine[0]["date"] == today.isoformat()


async def test_only_the_supervisor_or_a_manager_signs(fd: RunningApp) -> None:
    prop = (await fd.client.post("/v1/properties", json={"code": "DRS", "name": "S"})).json()
    today = today_in(prop["time_zone"])
    body = {"property_id": prop["id"], "date": today.isoformat()}
    lone = ("supervisor",)  # the role grants nothing without the front desk's
    async with (
        clerk(fd, "amy", prop["id"]) as amy,
        clerk(fd, "sal", prop["id"], roles=lone) as sal,
        clerk(fd, "boss", roles=("manager",)) as boss,
    ):
        r = await amy.post("/v1/daily-reviews", json=body)
        assert r.status_code == 403, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["field"] == "signed_by"
        r = await sal.post("/v1/daily-reviews", json=body)
        assert r.status_code == 403, r.text
        # the clerk still reads the reviews; the manager signs (managers only read the rest)
        r = await amy.get("/v1/daily-reviews", params={"property_id": prop["id"]})
        assert r.status_code == 200 and r.json()["total"] == 0
        r = await boss.post("/v1/daily-reviews", json=body)
        assert r.status_code == 201 and r.json()["signed_by"] == "boss", r.text
        r = await boss.post("/v1/handovers", json={**body, "post": "lobby", "shift_end": _now()})
        assert r.status_code == 403, r.text


async def test_bad_input_names_the_field(fd: RunningApp) -> None:
    prop = (await fd.client.post("/v1/properties", json={"code": "DRB", "name": "B"})).json()
    other = (await fd.client.post("/v1/properties", json={"code": "DRC", "name": "C"})).json()
    async with supervisor(fd, "sue", prop["id"]) as sue:
        r = await sue.post(
            "/v1/daily-reviews", json={"property_id": prop["id"], "date": "2026-13-40"}
        )
        assert r.status_code == 422 and r.json()["field"] == "date", r.text
        tomorrow = today_in(prop["time_zone"]) + timedelta(days=1)
        r = await sue.post(
            "/v1/daily-reviews", json={"property_id": prop["id"], "date": tomorrow.isoformat()}
        )
        assert r.status_code == 422 and r.json()["field"] == "date", r.text
        r = await sue.post("/v1/daily-reviews", json={"property_id": "nope", "date": "2026-01-02"})
        assert r.status_code == 422 and r.json()["field"] == "property_id", r.text
        # another property's day is not hers to sign or read
        r = await sue.post(
            "/v1/daily-reviews", json={"property_id": other["id"], "date": "2026-01-02"}
        )
        assert r.status_code == 403, r.text
        r = await sue.get(
            "/v1/reports/day", params={"property_id": other["id"], "date": "2026-01-02"}
        )
        assert r.status_code == 403, r.text
        r = await sue.get("/v1/daily-reviews", params={"from": "yesterday"})
        assert r.status_code == 422 and r.json()["field"] == "from", r.text
        r = await sue.get("/v1/reports/day", params={"property_id": prop["id"], "date": "x"})
        assert r.status_code == 422 and r.json()["field"] == "date", r.text


async def test_desk_day_counts_in_the_property_time_zone(fd: RunningApp) -> None:
    prop = (
        await fd.client.post(
            "/v1/properties", json={"code": "DRD", "name": "D", "time_zone": "Asia/Hong_Kong"}
        )
    ).json()
    today = today_in("Asia/Hong_Kong")
    async with clerk(fd, "amy", prop["id"]) as amy, clerk(fd, "ben", prop["id"]) as ben:
        for post in ("lobby", "lobby", "carpark"):
            r = await amy.post(
                "/v1/handovers",
                json={"property_id": prop["id"], "post": post, "shift_end": _now()},
            )
            assert r.status_code == 201, r.text
        first = r.json()
        r = await ben.post(
            f"/v1/handovers/{first['id']}/acknowledge", json={}, headers={"If-Match": "1"}
        )
        assert r.status_code == 200, r.text
        r = await amy.get("/v1/reports/day", params={"property_id": prop["id"], "date": str(today)})
        body = r.json()
        assert body["time_zone"] == "Asia/Hong_Kong"
        # Hong Kong's midnight is 16:00 UTC the day before
        assert body["since"].startswith(f"{today - timedelta(days=1)}T16:00:00")
        assert {
            h["post"]: (h["written"], h["acknowledged"], h["pending"]) for h in body["handovers"]
        } == {
            "carpark": (1, 1, 0),
            "lobby": (2, 0, 2),
        }
        assert body["callbacks_due"] == 0 and body["review"] is None
        # another day: nothing
        r = await amy.get(
            "/v1/reports/day",
            params={"property_id": prop["id"], "date": str(today - timedelta(days=2))},
        )
        assert r.json()["handovers"] == [] and r.json()["complaints"] == []


def _now() -> str:
    return datetime.now(UTC).isoformat()


def test_day_window_across_daylight_saving() -> None:
    from propops.timezones import day_window

    since, until = day_window(date(2026, 3, 8), "America/New_York")  # spring forward
    assert since == datetime(2026, 3, 8, 5, tzinfo=UTC)
    assert until - since == timedelta(hours=23)


async def test_a_past_day_counts_nonconformances_open_at_its_end(fd: RunningApp) -> None:
    """Open at the end of the reviewed day: one raised after it is not counted; one raised
    before and closed after it is; the day's rectified ones are counted."""
    prop = (await fd.client.post("/v1/properties", json={"code": "DRN", "name": "N"})).json()
    today = today_in(prop["time_zone"])
    yesterday = today - timedelta(days=1)

    async def desk(day: date) -> dict[str, int]:
        r = await fd.client.get(
            "/v1/reports/day", params={"property_id": prop["id"], "date": day.isoformat()}
        )
        assert r.status_code == 200, r.text
        [row] = [i for i in r.json()["inspections"] if i["department"] == "frontdesk"] or [{}]
        return row

    raised = await daily_failure(fd, prop["id"], "notice_boards", "x")
    assert await desk(yesterday) == {}  # raised today: nothing of it yesterday
    now = await desk(today)
    assert (now["raised"], now["open"], now["rectified"], now["closed"]) == (1, 1, 0, 0)

    r = await fd.client.post(f"/v1/nonconformances/{raised}/rectify", json={"notes": "new one"})
    assert r.status_code == 200, r.text
    r = await fd.client.post(f"/v1/nonconformances/{raised}/verify", json={"passed": True})
    assert r.json()["status"] == "closed", r.text
    now = await desk(today)
    assert (now["rectified"], now["verified"], now["closed"], now["open"]) == (1, 1, 1, 0)

    # as if raised three days ago and closed today: open at the end of yesterday
    async with fd.ctx.db.sessions() as session:
        nc = await session.get(Nonconformance, raised)
        assert nc is not None
        nc.created_at = nc.created_at - timedelta(days=3)
        await session.commit()
    then = await desk(yesterday)
    assert (then["raised"], then["open"], then["rectified"], then["closed"]) == (0, 1, 0, 0)
    assert (await desk(today))["open"] == 0
