"""Notices (發布通知): drafts checked (dates, buildings, property), published and withdrawn
through the life cycle (409 on a wrong state, 412 on a stale If-Match), and the public list of
what residents see now, in the property's time zone, with no sign-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from frontdesk.app import create_app
from frontdesk.settings import FrontdeskSettings
from propops.messaging.models import OutboxRow
from propops.testing.fixtures import RunningApp


@pytest.fixture
async def fd(start_service) -> RunningApp:
    return await start_service(create_app, "frontdesk", settings_cls=FrontdeskSettings)


@pytest.fixture
async def public(fd: RunningApp) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"{fd.url}/public/v1", timeout=30) as client:
        yield client


@pytest.fixture
async def estate(fd: RunningApp) -> dict:
    prop = await fd.client.post(
        "/v1/properties",
        json={"code": "HKA", "name": "Harbour Court", "time_zone": "Asia/Hong_Kong"},
    )
    assert prop.status_code == 201, prop.text
    for building in ("A", "B"):
        r = await fd.client.post(
            "/v1/units",
            json={"property_id": prop.json()["id"], "building": building, "number": "1F-1"},
        )
        assert r.status_code == 201, r.text
    return prop.json()


def iso(at: datetime) -> str:
    return at.isoformat()


def notice_body(estate: dict, **extra: object) -> dict:
    now = datetime.now(UTC)
    return {
        "property_id": estate["id"],
        "category": "water_cut",
        "title": {"zh_hant": "停水通知", "en": "Water supply suspension"},
        "body": {"zh_hant": "A座明日停水。", "en": "Block A: no water tomorrow."},
        "publish_from": iso(now - timedelta(hours=1)),
        "publish_until": iso(now + timedelta(days=1)),
        **extra,
    }


async def test_draft_publish_withdraw_and_what_residents_see(
    fd: RunningApp, public: httpx.AsyncClient, estate: dict
) -> None:
    r = await fd.client.post("/v1/notices", json=notice_body(estate, buildings=["A"]))
    assert r.status_code == 201, r.text
    notice = r.json()
    assert notice["status"] == "draft" and notice["showing"] is False
    assert notice["title"] == {"zh_hant": "停水通知", "en": "Water supply suspension"}
    # a draft is not public
    r = await public.get("/notices", params={"jurisdiction_id": "HKA"})
    assert r.status_code == 200, r.text
    assert r.json()["notices"] == []

    later = await fd.client.post(
        "/v1/notices",
        json=notice_body(
            estate,
            category="meeting",
            publish_from=iso(datetime.now(UTC) + timedelta(days=2)),
            publish_until=iso(datetime.now(UTC) + timedelta(days=3)),
        ),
    )
    assert later.status_code == 201

    r = await fd.client.post(f"/v1/notices/{notice['id']}/publish", headers={"If-Match": '"9"'})
    assert r.status_code == 412 and r.json()["current_version"] == 1
    r = await fd.client.post(f"/v1/notices/{notice['id']}/publish", headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "published" and r.json()["showing"] is True
    assert r.headers["ETag"] == '"2"'
    r = await fd.client.post(f"/v1/notices/{later.json()['id']}/publish")
    assert r.status_code == 200 and r.json()["showing"] is False  # not yet in its window

    r = await public.get("/notices", params={"jurisdiction_id": "HKA"})
    doc = r.json()
    assert doc["property_name"] == "Harbour Court" and doc["time_zone"] == "Asia/Hong_Kong"
    [shown] = doc["notices"]
    assert shown["id"] == notice["id"] and shown["buildings"] == ["A"]
    assert shown["publish_from"].endswith("+08:00")  # in the property's time zone
    assert doc["as_of"].endswith("+08:00")
    # a building's residents see the property's notices and their building's
    r = await public.get("/notices", params={"jurisdiction_id": "HKA", "building": "B"})
    assert r.json()["notices"] == []
    r = await public.get("/notices", params={"jurisdiction_id": "HKA", "building": "A"})
    assert len(r.json()["notices"]) == 1

    r = await fd.client.get("/v1/notices", params={"showing": "true"})
    assert [n["id"] for n in r.json()["items"]] == [notice["id"]]
    r = await fd.client.get("/v1/notices", params={"status": "published", "sort": "publish_from"})
    assert r.json()["total"] == 2

    # publishing twice is a wrong state
    r = await fd.client.post(f"/v1/notices/{notice['id']}/publish")
    assert r.status_code == 409 and r.json()["current_state"] == "published"
    r = await fd.client.post(
        f"/v1/notices/{notice['id']}/withdraw", json={"reason": "water restored early"}
    )
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    r = await public.get("/notices", params={"jurisdiction_id": "HKA"})
    assert r.json()["notices"] == []
    r = await fd.client.get(f"/v1/notices/{notice['id']}")
    assert [s["action"] for s in r.json()["history"]] == ["drafted", "published", "withdrawn"]
    assert r.headers["ETag"] == '"3"'
    r = await fd.client.post(f"/v1/notices/{notice['id']}/withdraw")
    assert r.status_code == 409

    async with fd.ctx.db.sessions() as session:
        types = (await session.scalars(select(OutboxRow.type))).all()
    assert sorted(t for t in types if ".notice." in t) == [
        "propops.frontdesk.notice.published.v1",
        "propops.frontdesk.notice.published.v1",
        "propops.frontdesk.notice.withdrawn.v1",
    ]


BAD_DRAFTS = [
    ({"publish_until": "2020-01-01T00:00:00Z"}, "publish_until"),
    ({"buildings": ["Z"]}, "buildings"),
    ({"category": "party"}, "category"),
    ({"title": {"zh_hant": "停水"}}, "title.en"),
    ({"property_id": "no-such-property"}, "property_id"),
]


async def test_bad_drafts_times_and_public_errors(
    fd: RunningApp, public: httpx.AsyncClient, estate: dict
) -> None:
    for extra, field in BAD_DRAFTS:
        r = await fd.client.post("/v1/notices", json=notice_body(estate, **extra))
        assert r.status_code == 422, r.text
        problem = r.json()
        named = {problem.get("field")} | {e.get("field") for e in problem.get("errors") or []}
        assert field in named, problem
    r = await fd.client.get("/v1/notices")
    assert r.json()["total"] == 0

    # a time without an offset is the property's (09:00 in Hong Kong is 01:00 UTC)
    r = await fd.client.post(
        "/v1/notices",
        json=notice_body(
            estate, publish_from="2031-03-01T09:00:00", publish_until="2031-03-01T18:00:00"
        ),
    )
    assert r.status_code == 201, r.text
    assert r.json()["publish_from"].startswith("2031-03-01T01:00:00")

    # a window already over cannot be published; the public list's errors name the field
    past = datetime.now(UTC) - timedelta(days=2)
    r = await fd.client.post(
        "/v1/notices",
        json=notice_body(
            estate, publish_from=iso(past), publish_until=iso(past + timedelta(hours=1))
        ),
    )
    r = await fd.client.post(f"/v1/notices/{r.json()['id']}/publish")
    assert r.status_code == 422 and r.json()["field"] == "publish_until"
    r = await public.get("/notices", params={"jurisdiction_id": "NOPE"})
    assert r.status_code == 404 and r.json()["field"] == "jurisdiction_id"
    r = await public.get("/notices")
    assert r.status_code == 422


async def test_a_draft_is_edited_until_it_is_published(fd: RunningApp, estate: dict) -> None:
    notice = (await fd.client.post("/v1/notices", json=notice_body(estate))).json()
    url = f"/v1/notices/{notice['id']}"
    # the same checks as a draft; a required field cannot be emptied
    for extra, field in [*BAD_DRAFTS, ({"title": None}, "title")]:
        r = await fd.client.patch(url, json=extra)
        assert r.status_code == 422, r.text
        problem = r.json()
        named = {problem.get("field")} | {e.get("field") for e in problem.get("errors") or []}
        assert field in named, (extra, problem)
    # an end before the draft's own start, given alone
    r = await fd.client.patch(url, json={"publish_until": notice["publish_from"]})
    assert r.status_code == 422 and r.json()["field"] == "publish_until"
    r = await fd.client.get(url)
    assert r.headers["ETag"] == '"1"' and r.json()["title"] == notice["title"]

    change = {
        "title": {"zh_hant": "停水通知（更新）", "en": "Water supply suspension (updated)"},
        "buildings": ["B"],
        "publish_until": "2031-03-01T18:00:00",  # no offset: the property's time
    }
    r = await fd.client.patch(url, json=change, headers={"If-Match": '"9"'})
    assert r.status_code == 412 and r.json()["current_version"] == 1
    r = await fd.client.patch(url, json=change, headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    edited = r.json()
    assert r.headers["ETag"] == '"2"' and edited["status"] == "draft"
    assert edited["title"]["en"] == "Water supply suspension (updated)"
    assert edited["buildings"] == ["B"] and edited["category"] == "water_cut"
    assert edited["publish_until"].startswith("2031-03-01T10:00:00")
    assert edited["body"] == notice["body"] and edited["publish_from"] == notice["publish_from"]
    r = await fd.client.get(url)
    assert [(s["action"], s["note"]) for s in r.json()["history"]] == [
        ("drafted", None),
        ("edited", "buildings, publish_until, title_en, title_zh_hant"),
    ]

    # published: no more edits (nor once withdrawn)
    assert (await fd.client.post(f"{url}/publish")).status_code == 200
    r = await fd.client.patch(url, json={"category": "other"})
    assert r.status_code == 409 and r.json()["current_state"] == "published", r.text
    assert (await fd.client.post(f"{url}/withdraw")).status_code == 200
    r = await fd.client.patch(url, json={"category": "other"})
    assert r.status_code == 409 and r.json()["current_state"] == "withdrawn"
    assert (await fd.client.get(url)).json()["category"] == "water_cut"
