"""Venue bookings and ads over HTTP: no double booking (also when booked at the same moment),
signing with the fee (one event for fees), check-in, check-out with the condition (a damage:
one event for engineering); ads approved one at a time per space, what is up, what expires."""

from __future__ import annotations

import asyncio

import pytest
from leasing_helpers import at, book, day, outbox, space

from leasing.app import create_app
from propops.testing.fixtures import RunningApp

SIGNED = "propops.leasing.venue_booking.signed.v1"
DAMAGE = "propops.leasing.venue_booking.damage_reported.v1"
CANCELLED = "propops.leasing.venue_booking.cancelled.v1"


@pytest.fixture
async def leasing(start_service) -> RunningApp:
    return await start_service(create_app, "leasing")


async def test_a_venue_is_booked_once_at_a_time(leasing: RunningApp) -> None:
    hall = await space(leasing, kind="venue", name="Clubhouse hall")
    first = await book(leasing, hall["id"], at(3, 10), at(3, 14))
    assert first["reference"].startswith("VB-") and first["status"] == "requested"
    clash = await book(leasing, hall["id"], at(3, 13), at(3, 18), expect=409)
    assert clash["clash_reference"] == first["reference"] and clash["field"] == "start"
    assert first["reference"] in clash["detail"] and "13:00" not in clash["detail"]
    inside = await book(leasing, hall["id"], at(3, 8), at(3, 11), expect=409)
    assert inside["field"] == "end"
    # back to back is no clash; another venue is not concerned
    await book(leasing, hall["id"], at(3, 14), at(3, 18))
    other = await space(leasing, kind="venue")
    await book(leasing, other["id"], at(3, 10), at(3, 14))
    # a cancelled request frees its time
    r = await leasing.client.post(
        f"/v1/venue-bookings/{first['id']}/cancel", json={"reason": "rain"}
    )
    assert r.status_code == 200 and r.json()["status"] == "cancelled", r.text
    await book(leasing, hall["id"], at(3, 10), at(3, 12))

    # bad input: 422 naming the field
    warehouse = await space(leasing, kind="warehouse")
    assert (await book(leasing, warehouse["id"], at(4, 9), at(4, 10), expect=422))[
        "field"
    ] == "space_id"
    assert (await book(leasing, hall["id"], at(4, 10), at(4, 9), expect=422))["field"] == "end"
    naive = await book(leasing, hall["id"], at(4, 9)[:19], at(4, 10), expect=422)
    assert "start" in str(naive)

    # five at the same moment for the same hour: one gets it
    answers = await asyncio.gather(
        *(
            leasing.client.post(
                "/v1/venue-bookings",
                json={
                    "space_id": hall["id"],
                    "start": at(5, 10),
                    "end": at(5, 12),
                    "organizer": f"Group {i}",
                    "purpose": "Meeting",
                },
            )
            for i in range(5)
        )
    )
    assert sorted(r.status_code for r in answers) == [201, 409, 409, 409, 409]


async def test_signed_used_and_handed_back(leasing: RunningApp) -> None:
    hall = await space(leasing, kind="venue", name="Podium garden")
    b = await book(leasing, hall["id"], at(1, 18), at(1, 22))
    # no fee, no signature; then signed with it: one event for fees
    r = await leasing.client.post(f"/v1/venue-bookings/{b['id']}/sign", json={})
    assert r.status_code == 422 and r.json()["field"] == "fee", r.text
    assert (await leasing.client.post(f"/v1/venue-bookings/{b['id']}/check-in", json={})).json()[
        "current_state"
    ] == "requested"
    r = await leasing.client.post(f"/v1/venue-bookings/{b['id']}/sign", json={"fee": "1500"})
    assert r.status_code == 200 and r.json()["fee"] == "1500.00", r.text
    assert r.headers["ETag"] == '"2"'
    r = await leasing.client.post(f"/v1/venue-bookings/{b['id']}/sign", json={"fee": "1500"})
    assert r.status_code == 409
    [signed] = await outbox(leasing, SIGNED)
    assert signed["booking_id"] == b["id"] and signed["fee"] == "1500.00"
    assert signed["space_code"] == hall["code"] and signed["reference"] == b["reference"]

    r = await leasing.client.post(
        f"/v1/venue-bookings/{b['id']}/check-in", json={"note": "Clean, 40 chairs"}
    )
    assert r.status_code == 200 and r.json()["status"] == "in_use", r.text
    r = await leasing.client.post(f"/v1/venue-bookings/{b['id']}/check-out", json={})
    assert r.status_code == 422 and "condition_note" in r.text  # the condition must be noted
    r = await leasing.client.post(
        f"/v1/venue-bookings/{b['id']}/check-out",
        json={"condition_note": "Litter left", "damage": "Two chairs broken, wall scratched"},
    )
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["status"] == "completed" and done["damaged"] is True
    [damage] = await outbox(leasing, DAMAGE)
    assert damage["booking_id"] == b["id"] and damage["damage"].startswith("Two chairs")
    assert damage["location"] == hall["location"] and damage["space_name"] == "Podium garden"

    # handed back clean: no damage event
    clean = await book(leasing, hall["id"], at(2, 18), at(2, 22), fee="800")
    for action, body in (("sign", {}), ("check-in", {}), ("check-out", {"condition_note": "OK"})):
        r = await leasing.client.post(f"/v1/venue-bookings/{clean['id']}/{action}", json=body)
        assert r.status_code == 200, r.text
    assert len(await outbox(leasing, DAMAGE)) == 1
    page = (await leasing.client.get("/v1/venue-bookings", params={"damaged": True})).json()
    assert [x["id"] for x in page["items"]] == [b["id"]]
    detail = (await leasing.client.get(f"/v1/venue-bookings/{b['id']}")).json()
    assert [h["action"] for h in detail["history"]] == [
        "booked",
        "signed",
        "checked_in",
        "checked_out",
    ]


async def test_a_signed_booking_is_cancelled_before_its_start_once(
    leasing: RunningApp,
) -> None:
    hall = await space(leasing, kind="venue", name="Club house")
    b = await book(leasing, hall["id"], at(3, 18), at(3, 22), fee="900")
    r = await leasing.client.post(f"/v1/venue-bookings/{b['id']}/sign", json={})
    assert r.status_code == 200, r.text
    r = await leasing.client.post(f"/v1/venue-bookings/{b['id']}/cancel", json={"reason": ""})
    assert r.status_code == 422 and r.json()["field"] == "reason", r.text
    r = await leasing.client.post(
        f"/v1/venue-bookings/{b['id']}/cancel",
        json={"reason": "Typhoon signal 8"},
        headers={"If-Match": '"2"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "cancelled" and r.json()["cancel_reason"] == "Typhoon signal 8"
    [cancelled] = [e for e in await outbox(leasing, CANCELLED) if e["booking_id"] == b["id"]]
    assert (cancelled["fee"], cancelled["reason"]) == ("900.00", "Typhoon signal 8")
    assert cancelled["space_code"] == hall["code"] and cancelled["signed_at"]
    # cancelled: no check-in, no second cancellation (no second event)
    for action, body in (("check-in", {}), ("cancel", {"reason": "again"})):
        r = await leasing.client.post(f"/v1/venue-bookings/{b['id']}/{action}", json=body)
        assert r.status_code == 409 and r.json()["current_state"] == "cancelled", r.text
    assert len([e for e in await outbox(leasing, CANCELLED) if e["booking_id"] == b["id"]]) == 1
    # its time is free again
    await book(leasing, hall["id"], at(3, 19), at(3, 21))

    # a requested booking cancelled: nothing was charged, no event
    req = await book(leasing, hall["id"], at(4, 9), at(4, 12))
    r = await leasing.client.post(f"/v1/venue-bookings/{req['id']}/cancel", json={"reason": "x"})
    assert r.status_code == 200, r.text
    assert not [e for e in await outbox(leasing, CANCELLED) if e["booking_id"] == req["id"]]

    # a signed booking whose use has started is not cancelled
    started = await book(leasing, hall["id"], at(-2, 9), at(-2, 12), fee="100")
    await leasing.client.post(f"/v1/venue-bookings/{started['id']}/sign", json={})
    r = await leasing.client.post(
        f"/v1/venue-bookings/{started['id']}/cancel", json={"reason": "too late"}
    )
    assert r.status_code == 409 and r.json()["field"] == "start", r.text
    assert (await leasing.client.get(f"/v1/venue-bookings/{started['id']}")).json()[
        "status"
    ] == "signed"


async def test_ads_approved_up_and_expiring(leasing: RunningApp) -> None:
    board = await space(leasing, kind="ad_space", name="Lift lobby light box")

    async def submit(starts: int, ends: int, who: str, expect: int = 201) -> dict:
        r = await leasing.client.post(
            "/v1/ad-placements",
            json={
                "space_id": board["id"],
                "advertiser": who,
                "artwork": f"{who}: A1 poster, Chinese and English",
                "starts_on": day(starts).isoformat(),
                "ends_on": day(ends).isoformat(),
            },
        )
        assert r.status_code == expect, r.text
        return r.json()

    async def act(p: dict, action: str, expect: int = 200, **body: str) -> dict:
        r = await leasing.client.post(f"/v1/ad-placements/{p['id']}/{action}", json=body)
        assert r.status_code == expect, r.text
        return r.json()

    old = await submit(-40, -1, "Old Bakery")
    now = await submit(0, 10, "Tea House")
    clash = await submit(5, 20, "Gym")
    later = await submit(11, 90, "Clinic")
    assert now["status"] == "pending"
    for p in (old, now, later):
        await act(p, "approve")
    problem = await act(clash, "approve", expect=409)
    assert problem["clash_placement_id"] == now["id"], problem
    assert (await act(clash, "reject", expect=422))["field"] == "note"
    assert (await act(clash, "reject", note="overlaps the tea house"))["status"] == "rejected"
    assert (await act(clash, "approve", expect=409))["current_state"] == "rejected"

    async def listed(**params: object) -> list[str]:
        page = (await leasing.client.get("/v1/ad-placements", params=params)).json()
        return [p["advertiser"] for p in page["items"]]

    assert await listed(current=True) == ["Tea House"]
    assert await listed(expiring_within_days=14) == ["Tea House"]
    assert await listed(expiring_within_days=100) == ["Tea House", "Clinic"]
    assert await listed(expired=True) == ["Old Bakery"]
    assert await listed(status="rejected") == ["Gym"]
    assert await listed(q="clinic") == ["Clinic"]
    got = (await leasing.client.get(f"/v1/ad-placements/{old['id']}")).json()
    assert got["expired"] is True and [h["action"] for h in got["history"]] == [
        "submitted",
        "approved",
    ]
    # only on ad spaces; dates in order
    hall = await space(leasing, kind="venue")
    r = await leasing.client.post(
        "/v1/ad-placements",
        json={
            "space_id": hall["id"],
            "advertiser": "X",
            "artwork": "Y",
            "starts_on": day(0).isoformat(),
            "ends_on": day(1).isoformat(),
        },
    )
    assert r.status_code == 422 and r.json()["field"] == "space_id", r.text
    assert (await submit(3, 2, "Backwards", expect=422))["field"] == "ends_on"
