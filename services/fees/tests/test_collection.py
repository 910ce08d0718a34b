"""Collection cases: opened only for a unit in arrears and once; attempts, appointments that
come due, promises, opinions (one raised as a complaint by event) on the case with its version;
a payment that clears the arrears closes the case in its own transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from test_charges_payments import (
    assert_problem,
    auth,
    charge,
    days,
    fees,
    get_json,
    open_unit,
    pay,
)

from fees.collection.jobs import sweep_promises_once
from propops.messaging.models import OutboxRow
from propops.testing.fixtures import RunningApp

__all__ = ["fees"]


async def test_a_case_from_opening_to_paid(fees: RunningApp) -> None:
    prop = f"p-{uuid.uuid4().hex[:8]}"
    unit, clean = await open_unit(fees, prop), await open_unit(fees, prop)
    await charge(fees, unit, "300.00", -40)
    await charge(fees, unit, "100.00", -5)
    await charge(fees, clean, "50.00", 3)  # not due yet: not in arrears

    r = await fees.client.post("/v1/collection-cases", json={"unit_id": clean})
    assert_problem(r, 409, "unit_id")
    r = await fees.client.post("/v1/collection-cases", json={"unit_id": unit})
    assert r.status_code == 201, r.text
    case = r.json()
    assert case["status"] == "open" and case["opening_amount"] == "400.00"
    assert_problem(
        await fees.client.post("/v1/collection-cases", json={"unit_id": unit}), 409, "unit_id"
    )
    path = f"/v1/collection-cases/{case['id']}"

    r = await fees.client.post(
        f"{path}/attempts",
        json={"method": "door", "reached": False, "outcome": "no one home"},
        headers={"If-Match": str(case["version"])},
    )
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == f'"{case["version"] + 1}"'
    stale = await fees.client.post(
        f"{path}/attempts",
        json={"method": "phone", "reached": True, "outcome": "x"},
        headers={"If-Match": str(case["version"])},
    )
    assert stale.status_code == 412, stale.text
    r = await fees.client.post(
        f"{path}/attempts",
        json={"method": "phone", "reached": True, "spoke_to": "陳太", "outcome": "will pay"},
    )
    assert r.status_code == 200, r.text
    assert_problem(
        await fees.client.post(f"{path}/attempts", json={"method": "fax", "reached": True,
                                                          "outcome": "x"}),
        422, "method",
    )  # fmt: skip

    soon = datetime.now(UTC) + timedelta(hours=3)
    later = datetime.now(UTC) + timedelta(days=20)
    for at, place in ((later, "管理處"), (soon, "單位門口")):
        r = await fees.client.post(
            f"{path}/appointments", json={"at": at.isoformat(), "place": place}
        )
        assert r.status_code == 200, r.text
    r = await fees.client.get(
        "/v1/collection-appointments", params={"property_id": prop, "due_by": days(1)}
    )
    assert [a["place"] for a in r.json()["items"]] == ["單位門口"]
    r = await fees.client.get("/v1/collection-appointments", params={"property_id": prop})
    assert [a["place"] for a in r.json()["items"]] == ["單位門口", "管理處"]

    r = await fees.client.post(f"{path}/promises", json={"date": days(7), "amount": "400.00"})
    assert r.status_code == 200 and r.json()["promises"][0]["amount"] == "400.00", r.text
    r = await fees.client.post(
        f"{path}/opinions", json={"text": "電梯經常故障，不願繳費", "raise_complaint": True}
    )
    assert r.status_code == 200, r.text
    r = await fees.client.post(f"{path}/opinions", json={"text": "只是意見"})
    body = r.json()
    assert [o["raise_complaint"] for o in body["opinions"]] == [True, False]
    assert [s["action"] for s in body["history"]] == [
        "opened", "attempt", "attempt", "appoint", "appoint", "promise", "opinion", "opinion"
    ]  # fmt: skip
    async with fees.ctx.db.sessions() as session:
        raised = (
            await session.scalars(
                select(OutboxRow.envelope).where(
                    OutboxRow.type == "propops.fees.owner_opinion.raised.v1"
                )
            )
        ).all()
    mine = [e for e in raised if case["id"] in e]
    assert (
        len(mine) == 1 and body["opinions"][0]["id"] in mine[0]
    )  # only the opinion raised as a complaint is published
    # the debt is not paused: still in arrears, the case still open
    r = await fees.client.get("/v1/arrears", params={"property_id": prop})
    assert r.json()["amount"] == "400.00"

    await pay(fees, unit, "300.00")  # part: the case stays open
    assert (await fees.client.get(path)).json()["status"] == "open"
    await pay(fees, unit, "100.00")  # cleared
    closed = (await fees.client.get(path)).json()
    assert closed["status"] == "closed" and closed["closed_reason"] == "paid"
    assert closed["history"][-1]["action"] == "settled"
    r = await fees.client.get("/v1/collection-appointments", params={"property_id": prop})
    assert r.json()["items"] == []  # a closed case's appointments no longer come due
    r = await fees.client.post(
        f"{path}/attempts", json={"method": "door", "reached": False, "outcome": "x"}
    )
    assert r.status_code == 409, r.text
    r = await fees.client.get("/v1/collection-cases", params={"property_id": prop})
    assert r.json()["total"] == 1
    r = await fees.client.get(path, headers=auth(fees, "fees", property_ids=["elsewhere"]))
    assert r.status_code in (403, 404)


async def test_promises_are_kept_by_payments_or_broken_when_their_day_passes(
    fees: RunningApp,
) -> None:
    prop = f"p-{uuid.uuid4().hex[:8]}"
    unit, other = await open_unit(fees, prop), await open_unit(fees, prop)
    await charge(fees, unit, "400.00", -40)
    await charge(fees, other, "80.00", -10)
    case = (await fees.client.post("/v1/collection-cases", json={"unit_id": unit})).json()
    other_case = (await fees.client.post("/v1/collection-cases", json={"unit_id": other})).json()
    path = f"/v1/collection-cases/{case['id']}"
    await pay(fees, unit, "30.00")  # before any promise: counts towards none

    r = await fees.client.post(f"{path}/promises", json={"date": days(2), "amount": "100.00"})
    assert r.status_code == 200, r.text
    r = await fees.client.post(f"{path}/promises", json={"date": days(0), "amount": "250.00"})
    assert [p["status"] for p in r.json()["promises"]] == ["pending", "pending"]
    assert r.json()["promise_status"] == "pending"

    await pay(fees, unit, "60.00")
    body = await get_json(fees, path)
    assert [(p["amount"], p["status"]) for p in body["promises"]] == [
        ("250.00", "pending"), ("100.00", "pending")
    ]  # fmt: skip
    await pay(fees, unit, "50.00")  # 110 since the first promise: it is kept
    body = await get_json(fees, path)
    kept = next(p for p in body["promises"] if p["amount"] == "100.00")
    assert (kept["status"], kept["paid"]) == ("kept", "110.00") and kept["decided_at"]
    assert body["promise_status"] == "pending"  # the latest one (250 by today) is still open

    # the day passes: 110 of the 250 was paid by then -> broken, published once
    after = datetime.now(UTC) + timedelta(days=2)
    assert await sweep_promises_once(fees.ctx.db, now=after) == 1
    assert await sweep_promises_once(fees.ctx.db, now=after) == 0
    body = await get_json(fees, path)
    broken = next(p for p in body["promises"] if p["amount"] == "250.00")
    assert (broken["status"], broken["paid"]) == ("broken", "110.00")
    assert body["promise_status"] == "broken" and body["status"] == "open"
    async with fees.ctx.db.sessions() as session:
        events = (
            await session.scalars(
                select(OutboxRow.envelope).where(
                    OutboxRow.type == "propops.fees.collection_promise.broken.v1"
                )
            )
        ).all()
    assert len([e for e in events if broken["id"] in e]) == 1
    assert not [e for e in events if kept["id"] in e]

    async def listed(**params: str) -> list[str]:
        page = await get_json(fees, "/v1/collection-cases", property_id=prop, **params)
        return [c["id"] for c in page["items"]]

    assert await listed(promise="broken") == [case["id"]]
    assert await listed(promise="kept") == []
    assert set(await listed()) == {case["id"], other_case["id"]}
    page = await get_json(fees, "/v1/collection-cases", property_id=prop, sort="created_at")
    assert [c["promise_status"] for c in page["items"]] == ["broken", None]
    r = await fees.client.get("/v1/collection-cases", params={"promise": "maybe"})
    assert r.status_code == 422 and "promise" in r.text, r.text

    # a new promise, then the payment that clears the arrears: the case closes, the promise kept
    await fees.client.post(f"{path}/promises", json={"date": days(5), "amount": "500.00"})
    await pay(fees, unit, "260.00")
    body = await get_json(fees, path)
    assert body["status"] == "closed" and body["promise_status"] == "kept"
    assert sorted(p["status"] for p in body["promises"]) == ["broken", "kept", "kept"]
    assert await listed(promise="kept") == [case["id"]]
    # the other case's promise, unmet by its day, is broken by a later sweep; nothing else moves
    r = await fees.client.post(
        f"/v1/collection-cases/{other_case['id']}/promises",
        json={"date": days(1), "amount": "80.00"},
    )
    await pay(fees, other, "79.99")
    soon = datetime.now(UTC) + timedelta(days=1)
    assert await sweep_promises_once(fees.ctx.db, now=soon) == 0  # its day has not ended
    later = datetime.now(UTC) + timedelta(days=3)
    assert await sweep_promises_once(fees.ctx.db, now=later) == 1
    assert await listed(promise="broken") == [other_case["id"]]


async def test_appointments_due_by_a_day_end_at_midnight_where_the_property_is(
    fees: RunningApp,
) -> None:
    """Hong Kong is UTC+8: its 10 March 2027 ends at 16:00 UTC, not at midnight UTC."""
    prop = f"p-{uuid.uuid4().hex[:8]}"
    unit = await open_unit(fees, prop)  # Asia/Hong_Kong, the default
    await charge(fees, unit, "300.00", -40)
    r = await fees.client.post("/v1/collection-cases", json={"unit_id": unit})
    assert r.status_code == 201, r.text
    path = f"/v1/collection-cases/{r.json()['id']}"
    for at, place in (
        (datetime(2027, 3, 10, 15, 30, tzinfo=UTC), "23:30 on the 10th"),
        (datetime(2027, 3, 10, 18, 0, tzinfo=UTC), "02:00 on the 11th"),
    ):
        r = await fees.client.post(
            f"{path}/appointments", json={"at": at.isoformat(), "place": place}
        )
        assert r.status_code == 200, r.text
    due = await fees.client.get(
        "/v1/collection-appointments", params={"property_id": prop, "due_by": "2027-03-10"}
    )
    assert due.status_code == 200, due.text
    assert [a["place"] for a in due.json()["items"]] == ["23:30 on the 10th"]
    due = await fees.client.get(
        "/v1/collection-appointments", params={"property_id": prop, "due_by": "2027-03-11"}
    )
    assert [a["place"] for a in due.json()["items"]] == ["23:30 on the 10th", "02:00 on the 11th"]
