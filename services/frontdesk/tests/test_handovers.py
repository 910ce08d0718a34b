"""Shift handovers: written by the outgoing receptionist, pending and listed until the successor
(another user) acknowledges, open items carried over to the next handover of the post."""

from __future__ import annotations

import httpx
import pytest

from frontdesk.app import create_app
from frontdesk.settings import FrontdeskSettings
from propops.testing.fixtures import RunningApp, token_for


@pytest.fixture
async def fd(start_service) -> RunningApp:
    return await start_service(create_app, "frontdesk", settings_cls=FrontdeskSettings)


def clerk(fd: RunningApp, name: str, *property_ids: str) -> httpx.AsyncClient:
    token = token_for(fd.settings, "frontdesk", user_id=name, property_ids=list(property_ids))
    return httpx.AsyncClient(base_url=fd.url, headers={"Authorization": f"Bearer {token}"})


async def test_write_acknowledge_and_carry_over(fd: RunningApp) -> None:
    prop = (await fd.client.post("/v1/properties", json={"code": "HKA", "name": "A"})).json()
    async with clerk(fd, "amy") as amy, clerk(fd, "ben") as ben:
        r = await amy.get(
            "/v1/handovers/carry-over", params={"property_id": prop["id"], "post": "lobby"}
        )
        assert r.json() == {
            "previous_id": None,
            "previous_written_by": None,
            "previous_status": None,
            "open_items": [],
        }
        body = {
            "property_id": prop["id"],
            "post": "lobby",
            "shift_end": "2026-12-01T15:00:00+08:00",
            "notes": "Quiet morning.",
            "open_items": ["Lift B inspection at 16:00", "Parcel for 12F-3 at the desk"],
        }
        r = await amy.post("/v1/handovers", json=body)
        assert r.status_code == 201, r.text
        first = r.json()
        assert first["status"] == "pending" and first["written_by"] == "amy"
        assert first["carried_over"] == [] and first["previous_id"] is None

        # pending and listed; the writer cannot acknowledge her own handover
        r = await ben.get("/v1/handovers", params={"status": "pending", "post": "lobby"})
        assert [h["id"] for h in r.json()["items"]] == [first["id"]]
        r = await amy.post(f"/v1/handovers/{first['id']}/acknowledge", json={})
        assert r.status_code == 403 and r.json()["field"] == "acknowledged_by"
        r = await ben.post(
            f"/v1/handovers/{first['id']}/acknowledge",
            json={"note": "Taken over"},
            headers={"If-Match": '"1"'},
        )
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "acknowledged" and r.json()["acknowledged_by"] == "ben"
        assert r.headers["etag"] == '"2"'
        r = await ben.post(f"/v1/handovers/{first['id']}/acknowledge", json={})
        assert r.status_code == 409 and r.json()["current_state"] == "acknowledged"
        r = await ben.get("/v1/handovers", params={"status": "pending"})
        assert r.json()["total"] == 0

        # the next handover of the post starts from the open items
        r = await ben.get(
            "/v1/handovers/carry-over", params={"property_id": prop["id"], "post": "lobby"}
        )
        assert r.json()["previous_id"] == first["id"]
        assert r.json()["open_items"] == body["open_items"]
        # no list given: carried over as they were
        r = await ben.post(
            "/v1/handovers",
            json={"property_id": prop["id"], "post": "lobby", "shift_end": "2026-12-01T23:00Z"},
        )
        second = r.json()
        assert second["previous_id"] == first["id"]
        assert second["carried_over"] == body["open_items"]
        assert second["open_items"] == body["open_items"]
        # a list given: what is still open (the lift inspection was done)
        r = await amy.post(
            "/v1/handovers",
            json={
                "property_id": prop["id"],
                "post": "lobby",
                "shift_end": "2026-12-02T07:00Z",
                "open_items": ["Parcel for 12F-3 at the desk"],
            },
        )
        third = r.json()
        assert third["previous_id"] == second["id"]
        assert third["carried_over"] == body["open_items"]
        assert third["open_items"] == ["Parcel for 12F-3 at the desk"]
        # another post starts empty
        r = await amy.get(
            "/v1/handovers/carry-over", params={"property_id": prop["id"], "post": "car park"}
        )
        assert r.json()["open_items"] == []


async def test_bad_input_and_property_scope(fd: RunningApp) -> None:
    prop = (await fd.client.post("/v1/properties", json={"code": "HKA", "name": "A"})).json()
    other = (await fd.client.post("/v1/properties", json={"code": "HKB", "name": "B"})).json()
    good = {"property_id": prop["id"], "post": "lobby", "shift_end": "2026-12-01T15:00Z"}
    for extra, field in (
        ({"property_id": "nope"}, "property_id"),
        ({"post": " "}, "post"),
        ({"shift_end": "2026-12-01T15:00"}, "shift_end"),
        ({"open_items": [""]}, "open_items.0"),
    ):
        r = await fd.client.post("/v1/handovers", json=good | extra)
        assert r.status_code == 422 and r.json()["field"] == field, (extra, r.text)
    r = await fd.client.post("/v1/handovers", json=good)
    handover = r.json()
    async with clerk(fd, "cat", other["id"]) as cat:
        r = await cat.post("/v1/handovers", json=good)
        assert r.status_code == 403
        r = await cat.post(f"/v1/handovers/{handover['id']}/acknowledge", json={})
        assert r.status_code == 403
        assert (await cat.get("/v1/handovers")).json()["total"] == 0
        r = await cat.get(
            "/v1/handovers/carry-over", params={"property_id": prop["id"], "post": "x"}
        )
        assert r.status_code == 403
