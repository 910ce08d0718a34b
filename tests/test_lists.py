"""Lists never lie, through the gateway: every filter a user sends is applied or refused.

The defects of issue 7, each seen as a user meets it: accounts by payment status, charges by
overdue and period, units by number, parties by phone, complaints ``status=open``, ``q=`` and
``sort=``; an unknown query parameter is a 400 naming it, a value outside an enum a 422 listing
the allowed values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from propops.testing.fixtures import eventually

from system_harness import System

pytestmark = pytest.mark.system

FD = "/api/frontdesk/v1"
FEES = "/api/fees/v1"


async def post(client: httpx.AsyncClient, path: str, body: dict) -> dict:
    r = await client.post(path, json=body)
    assert r.status_code in (200, 201), r.text
    return r.json()


async def items(client: httpx.AsyncClient, path: str, **params: object) -> list[dict]:
    r = await client.get(path, params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def test_lists_filter_sort_and_search_or_refuse(system: System, admin) -> None:
    prop = await post(admin, f"{FD}/properties", {"code": "HKL", "name": "Lists Court"})
    other = await post(admin, f"{FD}/properties", {"code": "HKM", "name": "Other Court"})
    owing = await post(
        admin, f"{FD}/units", {"property_id": prop["id"], "building": "A", "number": "1203"}
    )
    paid_up = await post(
        admin, f"{FD}/units", {"property_id": prop["id"], "building": "B", "number": "0801"}
    )
    elsewhere = await post(
        admin, f"{FD}/units", {"property_id": other["id"], "building": "A", "number": "0101"}
    )

    # --- accounts: status=arrears lists only the unit owing after a due date ----------------
    async def three_accounts() -> bool:
        return len(await items(admin, f"{FEES}/accounts")) == 3

    await eventually(three_accounts, what="an account per unit")
    today = datetime.now(UTC).date()
    late = await post(
        admin,
        f"{FEES}/charges",
        {
            "unit_id": owing["id"],
            "kind": "management_fee",
            "amount": "1200.00",
            "due_date": str(today - timedelta(days=10)),
            "period": "2026-10",
        },
    )
    not_yet = await post(
        admin,
        f"{FEES}/charges",
        {
            "unit_id": paid_up["id"],
            "kind": "management_fee",
            "amount": "800.00",
            "due_date": str(today + timedelta(days=10)),
            "period": "2026-11",
        },
    )
    arrears = await items(admin, f"{FEES}/accounts", status="arrears")
    assert [a["unit_id"] for a in arrears] == [owing["id"]]
    current = await items(admin, f"{FEES}/accounts", status="current", property_id=prop["id"])
    assert [a["unit_id"] for a in current] == [paid_up["id"]]  # owes, but nothing overdue
    everyone = await items(admin, f"{FEES}/accounts", status="current")
    assert {a["unit_id"] for a in everyone} == {paid_up["id"], elsewhere["id"]}
    by_balance = await items(admin, f"{FEES}/accounts", sort="-balance")
    assert [a["unit_id"] for a in by_balance] == [owing["id"], paid_up["id"], elsewhere["id"]]

    # --- charges: overdue, period, kind ---------------------------------------------------
    assert [c["id"] for c in await items(admin, f"{FEES}/charges", overdue="true")] == [late["id"]]
    assert [c["id"] for c in await items(admin, f"{FEES}/charges", overdue="false")] == [
        not_yet["id"]
    ]
    assert [c["id"] for c in await items(admin, f"{FEES}/charges", period="2026-11")] == [
        not_yet["id"]
    ]
    assert await items(admin, f"{FEES}/charges", kind="rent") == []
    r = await admin.get(f"{FEES}/charges", params={"period": "Nov 2026"})
    assert r.status_code == 422 and r.json()["field"] == "period"

    # --- units: number, building, q (full-width, any case), sort -----------------------------
    assert [u["id"] for u in await items(admin, f"{FD}/units", number="1203")] == [owing["id"]]
    assert [u["id"] for u in await items(admin, f"{FD}/units", building="B")] == [paid_up["id"]]
    assert [u["id"] for u in await items(admin, f"{FD}/units", q="ａ　１２０３")] == [owing["id"]]
    numbers = [u["number"] for u in await items(admin, f"{FD}/units", sort="number")]
    assert numbers == ["0101", "0801", "1203"]
    numbers = [u["number"] for u in await items(admin, f"{FD}/units", sort="-number")]
    assert numbers == ["1203", "0801", "0101"]

    # --- parties: phone digits, q on name and phone -------------------------------------------
    chan = await post(admin, f"{FD}/parties", {"name": "陳大文", "phone": "+852 9123-4567"})
    amy = await post(admin, f"{FD}/parties", {"name": "Amy WONG", "phone": "6111 2222"})
    assert [p["id"] for p in await items(admin, f"{FD}/parties", phone="91234567")] == [chan["id"]]
    assert [p["id"] for p in await items(admin, f"{FD}/parties", q="9123 4567")] == [chan["id"]]
    assert [p["id"] for p in await items(admin, f"{FD}/parties", q="大文")] == [chan["id"]]
    assert [p["id"] for p in await items(admin, f"{FD}/parties", q="ａｍｙ wong")] == [amy["id"]]

    # --- complaints: status=open, q over description, unit and complainant ------------------
    def complaint(unit: dict, party: dict, text: str) -> dict:
        return {
            "property_id": prop["id"],
            "unit_id": unit["id"],
            "party_id": party["id"],
            "channel": "walk_in",
            "description": text,
        }

    leak = await post(admin, f"{FD}/complaints", complaint(owing, chan, "天花板漏水 Water LEAK"))
    noise = await post(admin, f"{FD}/complaints", complaint(paid_up, amy, "Noise at night"))
    await post(admin, f"{FD}/complaints/{noise['id']}/cancel", {"reason": "withdrawn"})
    assert [c["id"] for c in await items(admin, f"{FD}/complaints", status="open")] == [leak["id"]]
    for q in ("漏水", "ｌｅａｋ", "a 1203", "陳大文", "91234567"):
        found = [c["id"] for c in await items(admin, f"{FD}/complaints", q=q)]
        assert found == [leak["id"]], q
    assert await items(admin, f"{FD}/complaints", q="漏水 night") == []

    # --- callbacks: overdue is a filter (none here), not ignored -----------------------------
    assert await items(admin, f"{FD}/callbacks", overdue="true") == []

    # --- refusals: unknown parameter 400, enum 422 with the allowed values --------------------
    for path, name in (
        (f"{FEES}/accounts", "search"),
        (f"{FD}/units", "numbr"),
        (f"{FD}/complaints", "search"),
        ("/api/engineering/v1/workorders", "q"),
        ("/api/users", "role"),
    ):
        r = await admin.get(path, params={name: "x"})
        assert r.status_code == 400, (path, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["field"] == name
    r = await admin.get(f"{FEES}/accounts", params={"status": "late"})
    assert r.status_code == 422
    assert r.json()["field"] == "status" and r.json()["allowed"] == ["arrears", "current"]
    r = await admin.get(f"{FD}/complaints", params={"status": "opened"})
    assert r.status_code == 422 and "open" in r.json()["allowed"]
    r = await admin.get(f"{FD}/units", params={"sort": "colour"})
    assert r.status_code == 422 and r.json()["field"] == "sort" and "-number" in r.json()["allowed"]
