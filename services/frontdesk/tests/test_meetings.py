"""Meeting service: rooms, bookings without overlap (also two at once), the preparation
checklist, cancel, the close (not before the start; a follow-up for missing equipment, awaiting
keys until they are back), the day's list, property scope and bad input."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from frontdesk.app import create_app
from frontdesk.settings import FrontdeskSettings
from propops.testing.fixtures import RunningApp, token_for

DAY = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 09:00 in Hong Kong


def at(hours: float) -> str:
    return (DAY + timedelta(hours=hours)).isoformat()


def from_now(hours: float) -> float:
    """``hours`` from now as an offset for ``at``: a booking that has (or has not) started
    whenever the test runs."""
    return (datetime.now(UTC) - DAY) / timedelta(hours=1) + hours


@pytest.fixture
async def fd(start_service) -> RunningApp:
    return await start_service(create_app, "frontdesk", settings_cls=FrontdeskSettings)


async def room(fd: RunningApp, code: str = "HKA", **extra: object) -> dict:
    prop = (await fd.client.post("/v1/properties", json={"code": code, "name": code})).json()
    body = {
        "property_id": prop["id"],
        "name": "Room 1",
        "capacity": 10,
        "equipment": ["projector", "microphone"],
        **extra,
    }
    r = await fd.client.post("/v1/meeting-rooms", json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def book(fd: RunningApp, room_id: str, start: float, end: float, **extra: object):
    body = {
        "room_id": room_id,
        "start": at(start),
        "end": at(end),
        "organizer": "Owners' committee",
        "attendees": 8,
        "services": ["tea"],
        **extra,
    }
    return await fd.client.post("/v1/meeting-bookings", json=body)


async def test_a_booking_its_checklist_and_no_overlap(fd: RunningApp) -> None:
    r1 = await room(fd)
    r = await book(fd, r1["id"], 0, 2)
    assert r.status_code == 201, r.text
    first = r.json()
    assert first["reference"].startswith("M-2026-") and first["status"] == "booked"
    assert first["day"] == "2026-12-01" and r.headers["etag"] == '"1"'
    assert [(i["kind"], i["name"]) for i in first["checklist"]] == [
        ("service", "tea"),
        ("equipment", "projector"),
        ("equipment", "microphone"),
    ]
    assert first["prepared"] is False

    # overlapping in any way: 409 naming the booking in the way and when
    for start, end in ((1, 3), (-1, 0.5), (0.5, 1.5), (-1, 4)):
        r = await book(fd, r1["id"], start, end)
        assert r.status_code == 409, (start, end, r.text)
        problem = r.json()
        assert problem["field"] == "start"
        assert problem["clash"]["id"] == first["id"]
        assert problem["clash"]["reference"] == first["reference"]
        assert first["reference"] in problem["detail"]
    # touching is no overlap
    r = await book(fd, r1["id"], 2, 3, services=[])
    assert r.status_code == 201, r.text
    assert [i["name"] for i in r.json()["checklist"]] == ["projector", "microphone"]

    # the checklist, ticked item by item; the booking's version moves with each tick
    version = 1
    for item in first["checklist"]:
        r = await fd.client.post(
            f"/v1/meeting-bookings/{first['id']}/checklist/{item['id']}/tick",
            headers={"If-Match": f'"{version}"'},
        )
        assert r.status_code == 200, r.text
        version += 1
        assert r.headers["etag"] == f'"{version}"'
    assert r.json()["prepared"] is True
    assert all(i["done_by"] == "test-user" for i in r.json()["checklist"])
    r = await fd.client.post(
        f"/v1/meeting-bookings/{first['id']}/checklist/{item['id']}/tick",
        headers={"If-Match": '"1"'},
    )
    assert r.status_code == 412
    r = await fd.client.post(f"/v1/meeting-bookings/{first['id']}/checklist/nope/tick")
    assert r.status_code == 404 and r.json()["field"] == "item_id"

    # cancelled: the time is free again, and a cancelled booking cannot be closed
    r = await fd.client.post(
        f"/v1/meeting-bookings/{first['id']}/cancel", json={"reason": "postponed"}
    )
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    r = await book(fd, r1["id"], 0, 2)
    assert r.status_code == 201, r.text
    r = await fd.client.post(
        f"/v1/meeting-bookings/{first['id']}/close",
        json={"equipment_complete": True, "power_off": True, "keys_returned": True},
    )
    assert r.status_code == 409 and r.json()["current_state"] == "cancelled"

    # the day's list, in order of start
    r = await fd.client.get(
        "/v1/meeting-bookings", params={"date": "2026-12-01", "status": "booked"}
    )
    assert [b["start"][:16] for b in r.json()["items"]] == [at(0)[:16], at(2)[:16]]
    r = await fd.client.get("/v1/meeting-bookings", params={"date": "2026-12-02"})
    assert r.json()["total"] == 0


async def test_two_bookings_at_once_one_wins(fd: RunningApp) -> None:
    r1 = await room(fd)
    for _ in range(3):  # a few rounds, each two concurrent bookings of the same time
        results = await asyncio.gather(
            book(fd, r1["id"], 10, 11, organizer="A"),
            book(fd, r1["id"], 10.5, 11.5, organizer="B"),
        )
        assert sorted(r.status_code for r in results) == [201, 409], [r.text for r in results]
        winner = next(r.json() for r in results if r.status_code == 201)
        loser = next(r.json() for r in results if r.status_code == 409)
        assert loser["clash"]["id"] == winner["id"]
        r = await fd.client.post(
            f"/v1/meeting-bookings/{winner['id']}/cancel", json={"reason": "again"}
        )
        assert r.status_code == 200
    r = await fd.client.get("/v1/meeting-bookings", params={"room_id": r1["id"]})
    assert [b["status"] for b in r.json()["items"]] == ["cancelled"] * 3


async def test_close_raises_a_follow_up_and_waits_for_the_keys(fd: RunningApp) -> None:
    r1 = await room(fd)
    booking = (await book(fd, r1["id"], from_now(-1), from_now(1))).json()  # under way
    url = f"/v1/meeting-bookings/{booking['id']}"
    # bad closes: nothing changes
    bad = [
        ({"equipment_complete": False, "missing_items": []}, "missing_items"),
        ({"equipment_complete": True, "missing_items": ["projector"]}, "missing_items"),
        ({"equipment_complete": False, "missing_items": ["piano"]}, "missing_items"),
        ({"equipment_complete": True, "keys_returned": "maybe"}, "keys_returned"),
    ]
    for body, field in bad:
        r = await fd.client.post(
            f"{url}/close", json={"power_off": True, "keys_returned": True, **body}
        )
        assert r.status_code == 422 and r.json()["field"] == field, r.text
    assert (await fd.client.get(url)).json()["status"] == "booked"

    r = await fd.client.post(
        f"{url}/close",
        json={
            "equipment_complete": False,
            "missing_items": ["microphone"],
            "power_off": True,
            "keys_returned": False,
        },
        headers={"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    closed = r.json()
    assert closed["status"] == "awaiting_keys" and closed["missing_items"] == ["microphone"]
    assert closed["keys_returned_at"] is None

    # the follow-up the desk lists and resolves
    r = await fd.client.get("/v1/follow-ups", params={"status": "open"})
    [follow_up] = r.json()["items"]
    assert follow_up["kind"] == "missing_equipment" and follow_up["items"] == ["microphone"]
    assert follow_up["source_id"] == booking["id"]
    assert follow_up["source_reference"] == booking["reference"]
    r = await fd.client.post(
        f"/v1/follow-ups/{follow_up['id']}/resolve", json={"resolution": "found in room 2"}
    )
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    r = await fd.client.post(
        f"/v1/follow-ups/{follow_up['id']}/resolve", json={"resolution": "again"}
    )
    assert r.status_code == 409 and r.json()["current_state"] == "resolved"
    assert (await fd.client.get("/v1/follow-ups", params={"status": "open"})).json()["total"] == 0

    # listed as awaiting keys until the keys are back
    r = await fd.client.get("/v1/meeting-bookings", params={"status": "awaiting_keys"})
    assert [b["id"] for b in r.json()["items"]] == [booking["id"]]
    r = await fd.client.post(f"{url}/keys-returned", json={"returned_by": "Mr Chan"})
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert r.json()["keys_returned_at"] is not None
    r = await fd.client.get("/v1/meeting-bookings", params={"status": "awaiting_keys"})
    assert r.json()["total"] == 0
    r = await fd.client.post(f"{url}/keys-returned", json={})
    assert r.status_code == 409 and r.json()["current_state"] == "closed"

    # complete, keys back at the close: closed at once, no follow-up
    other = (await book(fd, r1["id"], from_now(-3), from_now(-2))).json()  # over
    r = await fd.client.post(
        f"/v1/meeting-bookings/{other['id']}/close",
        json={"equipment_complete": True, "power_off": True, "keys_returned": True},
    )
    assert r.json()["status"] == "closed"
    assert (await fd.client.get("/v1/follow-ups")).json()["total"] == 1


async def test_a_booking_is_not_closed_before_its_start(fd: RunningApp) -> None:
    r1 = await room(fd)
    booking = (await book(fd, r1["id"], from_now(2), from_now(3))).json()
    url = f"/v1/meeting-bookings/{booking['id']}"
    r = await fd.client.post(
        f"{url}/close",
        json={
            "equipment_complete": False,
            "missing_items": ["microphone"],
            "power_off": True,
            "keys_returned": True,
        },
    )
    assert r.status_code == 409 and r.json()["field"] == "start", r.text
    assert booking["reference"] in r.json()["detail"]
    got = (await fd.client.get(url)).json()
    assert got["status"] == "booked" and got["closed_at"] is None
    assert (await fd.client.get("/v1/follow-ups")).json()["total"] == 0
    # still cancellable, as a booking not yet held
    r = await fd.client.post(f"{url}/cancel", json={"reason": "postponed"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"


async def test_bad_input_and_property_scope(fd: RunningApp) -> None:
    r1 = await room(fd)
    r = await fd.client.post(
        "/v1/meeting-rooms",
        json={"property_id": r1["property_id"], "name": "Room 1", "capacity": 3},
    )
    assert r.status_code == 409 and r.json()["field"] == "name"
    r = await fd.client.post(
        "/v1/meeting-rooms", json={"property_id": "nope", "name": "X", "capacity": 3}
    )
    assert r.status_code == 422 and r.json()["field"] == "property_id"
    cases = [
        ({"end": at(0)}, "end"),
        ({"end": at(30)}, "end"),
        ({"attendees": 11}, "attendees"),
        ({"room_id": "nope"}, "room_id"),
        ({"services": ["champagne"]}, "services.0"),
        ({"start": "2026-12-01T09:00:00"}, "start"),  # no time zone
    ]
    for extra, field in cases:
        body = {"room_id": r1["id"], "start": at(0), "end": at(1), "organizer": "X"}
        body |= {"attendees": 2, **extra}
        r = await fd.client.post("/v1/meeting-bookings", json=body)
        assert r.status_code in (404, 422) and r.json()["field"] == field, (extra, r.text)

    # a clerk of another property neither sees nor books this room
    other = (await fd.client.post("/v1/properties", json={"code": "HKB", "name": "B"})).json()
    token = token_for(fd.settings, "frontdesk", property_ids=[other["id"]], user_id="bea")
    async with httpx.AsyncClient(
        base_url=fd.url, headers={"Authorization": f"Bearer {token}"}
    ) as bea:
        r = await bea.post(
            "/v1/meeting-bookings",
            json={
                "room_id": r1["id"],
                "start": at(0),
                "end": at(1),
                "organizer": "X",
                "attendees": 2,
            },
        )
        assert r.status_code == 403
        assert (await bea.get("/v1/meeting-rooms")).json()["total"] == 0
        assert (await bea.get("/v1/meeting-bookings")).json()["total"] == 0
