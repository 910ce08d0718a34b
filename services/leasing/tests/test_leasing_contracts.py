"""Contracts over HTTP: draft, sign (no two signed contracts of a space overlap, even when
signed at the same moment), renew, terminate early, ending soon; each change one event."""

from __future__ import annotations

import asyncio

import pytest
from leasing_helpers import PARTY, auth, contract, day, outbox, sign, space

from leasing.app import create_app
from propops.testing.fixtures import RunningApp

SIGNED = "propops.leasing.contract.signed.v1"
RENEWED = "propops.leasing.contract.renewed.v1"
TERMINATED = "propops.leasing.contract.terminated.v1"


@pytest.fixture
async def leasing(start_service) -> RunningApp:
    return await start_service(create_app, "leasing")


async def test_signed_contracts_of_a_space_never_overlap(leasing: RunningApp) -> None:
    shop = await space(leasing)
    first = await contract(leasing, shop["id"], 0, 179)
    assert first["status"] == "draft" and first["reference"].startswith("LC-")
    await sign(leasing, first["id"])

    # a draft may overlap (an alternative being drawn up); signing it is the 409, naming the clash
    late = await contract(leasing, shop["id"], 100, 400)
    r = await leasing.client.post(f"/v1/contracts/{late['id']}/sign")
    assert r.status_code == 409, r.text
    problem = r.json()
    assert problem["clash_reference"] == first["reference"]
    assert first["reference"] in problem["detail"] and problem["field"] == "start_date"
    assert (await leasing.client.get(f"/v1/contracts/{late['id']}")).json()["status"] == "draft"

    # the day after the first one's last day is free; another space is not concerned
    nxt = await contract(leasing, shop["id"], 180, 364)
    await sign(leasing, nxt["id"])
    other = await space(leasing)
    await sign(leasing, (await contract(leasing, other["id"], 0, 364))["id"])

    # renewing into the next contract's days is the same 409 (on end_date); past it is fine
    r = await leasing.client.post(
        f"/v1/contracts/{first['id']}/renew", json={"end_date": day(200).isoformat()}
    )
    assert r.status_code == 409 and r.json()["clash_reference"] == nxt["reference"], r.text
    assert r.json()["field"] == "end_date"
    r = await leasing.client.post(
        f"/v1/contracts/{nxt['id']}/renew", json={"end_date": day(500).isoformat(), "rent": "9000"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["end_date"] == day(500).isoformat() and r.json()["rent"] == "9000.00"
    assert r.json()["renewal_count"] == 1

    # terminated early, a contract frees its later days: the late draft now fits after it...
    r = await leasing.client.post(
        f"/v1/contracts/{nxt['id']}/terminate",
        json={"terminated_on": day(200).isoformat(), "reason": "tenant moved out"},
    )
    assert r.status_code == 200 and r.json()["last_day"] == day(200).isoformat(), r.text
    r = await leasing.client.post(
        f"/v1/contracts/{late['id']}/sign",
    )
    assert r.status_code == 409  # ...not while it still starts inside the first one
    fits = await contract(leasing, shop["id"], 201, 300)
    await sign(leasing, fits["id"])


async def test_each_change_publishes_one_event_for_fees(leasing: RunningApp) -> None:
    shop = await space(leasing, kind="ad_space")
    c = await contract(leasing, shop["id"], 10, 99, deposit="16000", billing_cycle="quarterly")
    assert await outbox(leasing, SIGNED) == []  # a draft tells fees nothing
    await sign(leasing, c["id"])
    await sign(leasing, c["id"], expect=409)  # signed twice: refused, no second event
    [signed] = await outbox(leasing, SIGNED)
    assert signed["contract_id"] == c["id"] and signed["reference"] == c["reference"]
    assert signed["space_code"] == shop["code"] and signed["space_kind"] == "ad_space"
    assert signed["rent"] == "8000.00" and signed["deposit"] == "16000.00"
    assert signed["billing_cycle"] == "quarterly"
    assert signed["start_date"] == day(10).isoformat()
    assert signed["end_date"] == day(99).isoformat()
    assert signed["counterparty_name"] == PARTY["name"] and signed["terminated_on"] is None

    r = await leasing.client.post(
        f"/v1/contracts/{c['id']}/renew", json={"end_date": day(199).isoformat()}
    )
    assert r.status_code == 200, r.text
    [renewed] = await outbox(leasing, RENEWED)
    assert renewed["end_date"] == day(199).isoformat() and renewed["rent"] == "8000.00"

    r = await leasing.client.post(
        f"/v1/contracts/{c['id']}/terminate",
        json={"terminated_on": day(120).isoformat(), "reason": "advertiser closed"},
    )
    assert r.status_code == 200, r.text
    [terminated] = await outbox(leasing, TERMINATED)
    assert terminated["terminated_on"] == day(120).isoformat()
    assert terminated["end_date"] == day(199).isoformat()
    # and nothing more: a terminated contract can be neither renewed nor terminated again
    for action, body in (
        ("renew", {"end_date": day(300).isoformat()}),
        ("terminate", {"terminated_on": day(110).isoformat(), "reason": "again"}),
    ):
        r = await leasing.client.post(f"/v1/contracts/{c['id']}/{action}", json=body)
        assert r.status_code == 409 and r.json()["current_state"] == "terminated", r.text
    assert len(await outbox(leasing, TERMINATED)) == 1
    history = (await leasing.client.get(f"/v1/contracts/{c['id']}")).json()["history"]
    assert [h["action"] for h in history] == ["created", "signed", "renewed", "terminated"]


async def test_concurrent_signings_of_one_space_let_it_once(leasing: RunningApp) -> None:
    shop = await space(leasing)
    drafts = [await contract(leasing, shop["id"], i, 90 + i) for i in range(5)]
    answers = await asyncio.gather(
        *(leasing.client.post(f"/v1/contracts/{d['id']}/sign") for d in drafts)
    )
    codes = sorted(r.status_code for r in answers)
    assert codes == [200, 409, 409, 409, 409], [r.text for r in answers]
    page = (await leasing.client.get("/v1/contracts", params={"space_id": shop["id"]})).json()
    assert [c["status"] for c in page["items"]].count("signed") == 1
    assert len(await outbox(leasing, SIGNED)) == 1


async def test_rules_bad_input_and_ending_soon(leasing: RunningApp) -> None:
    shop = await space(leasing)
    c = await contract(leasing, shop["id"], 0, 30)
    # wrong dates, unknown space, money as a number, unknown cycle: 422 naming the field
    for body, field in (
        ({"start_date": day(5).isoformat(), "end_date": day(4).isoformat()}, "end_date"),
        ({"space_id": "nope"}, "space_id"),
        ({"rent": 100}, "rent"),
        ({"billing_cycle": "weekly"}, "billing_cycle"),
        ({"counterparty": {"name": " ", "phone": "9123 4567"}}, "counterparty.name"),
    ):
        full = {
            "space_id": shop["id"],
            "counterparty": PARTY,
            "start_date": day(0).isoformat(),
            "end_date": day(30).isoformat(),
            "rent": "100.00",
            "billing_cycle": "monthly",
            **body,
        }
        r = await leasing.client.post("/v1/contracts", json=full)
        assert r.status_code == 422, r.text
        assert r.json()["field"] == field or field in str(r.json()["errors"]), r.text
    await sign(leasing, c["id"])
    # terminating outside the lease: 422 naming terminated_on
    r = await leasing.client.post(
        f"/v1/contracts/{c['id']}/terminate",
        json={"terminated_on": day(30).isoformat(), "reason": "x"},
    )
    assert r.status_code == 422 and r.json()["field"] == "terminated_on", r.text
    # a stale version is a 412
    r = await leasing.client.post(
        f"/v1/contracts/{c['id']}/renew",
        json={"end_date": day(60).isoformat()},
        headers={"If-Match": '"1"'},
    )
    assert r.status_code == 412 and r.json()["current_version"] == 2, r.text
    # another property's user sees nothing of it; a manager reads but may not sign
    other = auth(leasing, "leasing", property_ids=["p-2"])
    assert (await leasing.client.get(f"/v1/contracts/{c['id']}", headers=other)).status_code == 403
    listed = await leasing.client.get("/v1/contracts", headers=other)
    assert listed.json()["total"] == 0
    manager = auth(leasing, "manager")
    assert (await leasing.client.get("/v1/contracts", headers=manager)).status_code == 200
    draft = await contract(leasing, shop["id"], 40, 60)
    r = await leasing.client.post(f"/v1/contracts/{draft['id']}/sign", headers=manager)
    assert r.status_code == 403, r.text
    # the signed contracts ending soon, on a property of their own
    shop = await space(leasing, property_id="p-soon")
    store = await space(leasing, property_id="p-soon")
    soon = await contract(leasing, shop["id"], -300, 20)
    later = await contract(leasing, store["id"], -10, 120)
    draft = await contract(leasing, shop["id"], 30, 40)  # not signed: not in the list
    for c in (soon, later):
        await sign(leasing, c["id"])
    params = {"ending_within_days": 30, "sort": "end_date", "property_id": "p-soon"}
    page = (await leasing.client.get("/v1/contracts", params=params)).json()
    assert [c["id"] for c in page["items"]] == [soon["id"]] and page["total"] == 1
    params["ending_within_days"] = 365
    page = (await leasing.client.get("/v1/contracts", params=params)).json()
    assert [c["id"] for c in page["items"]] == [soon["id"], later["id"]]
    assert draft["id"] not in {c["id"] for c in page["items"]}
    r = await leasing.client.get("/v1/contracts", params={"ending_within_days": -1})
    assert r.status_code == 422
