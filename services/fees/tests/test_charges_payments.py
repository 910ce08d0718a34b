"""Charges and payments over HTTP: money as decimal strings, FIFO allocation, credit, idempotent
POSTs, rights. Real NATS and database (SQLite or PostgreSQL) through the test plugin."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from fees.accounts.service import open_account_for_unit
from fees.app import create_app
from fees.settings import FeesSettings
from propops.events.payloads import UnitRegistered
from propops.testing.fixtures import RunningApp, token_for
from propops.timezones import DEFAULT_TIME_ZONE, today_in


@pytest.fixture
async def fees(start_service) -> RunningApp:
    return await start_service(create_app, "fees", settings_cls=FeesSettings)


async def open_unit(fees: RunningApp, property_id: str = "p-1") -> str:
    """A unit with a fee account (as if the front desk had registered it)."""
    unit = UnitRegistered(
        unit_id=str(uuid.uuid4()),
        property_id=property_id,
        property_code="HKA",
        building="A",
        number=uuid.uuid4().hex[:6],
    )
    async with fees.ctx.db.sessions() as session:
        await open_account_for_unit(session, unit)
        await session.commit()
    return unit.unit_id


def days(n: int) -> str:
    """n days from today where the test units are (the default time zone)."""
    return (today_in(DEFAULT_TIME_ZONE) + timedelta(days=n)).isoformat()


def auth(fees: RunningApp, *roles: str, property_ids: list[str] | None = None) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token_for(fees.settings, *roles, property_ids=property_ids)}"
    }


async def charge(
    fees: RunningApp,
    unit_id: str,
    amount: str,
    due: int | str,
    *,
    kind: str = "management_fee",
    expect: int = 201,
    **extra: Any,
) -> dict[str, Any]:
    body = {
        "unit_id": unit_id,
        "kind": kind,
        "amount": amount,
        "due_date": days(due) if isinstance(due, int) else due,
        **extra,
    }
    r = await fees.client.post("/v1/charges", json=body)
    assert r.status_code == expect, r.text
    return r.json()


async def pay(
    fees: RunningApp, unit_id: str, amount: str, *, method: str = "cash", expect: int = 201
) -> dict[str, Any]:
    r = await fees.client.post(
        "/v1/payments", json={"unit_id": unit_id, "amount": amount, "method": method}
    )
    assert r.status_code == expect, r.text
    return r.json()


async def get_json(fees: RunningApp, path: str, **params: Any) -> Any:
    r = await fees.client.get(path, params=params)
    assert r.status_code == 200, r.text
    return r.json()


async def balance(fees: RunningApp, unit_id: str) -> str:
    return (await get_json(fees, "/v1/accounts", unit_id=unit_id))["items"][0]["balance"]


def assert_problem(r: httpx.Response, status: int, field: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["field"] == field, r.json()


async def test_a_charge_is_posted_read_and_listed_with_filters(fees: RunningApp) -> None:
    unit = await open_unit(fees)
    fee = await charge(
        fees, unit, "1250.00", 20, period="2026-11", description="November management fee"
    )
    assert fee["amount"] == "1250.00" and fee["paid_amount"] == "0.00"
    assert fee["outstanding"] == "1250.00" and fee["status"] == "open"
    assert fee["overdue"] is False and fee["period"] == "2026-11"
    assert fee["unit_id"] == unit and fee["posted_by"] == "test-user"
    repair = await charge(fees, unit, "80", -3, kind="paid_service")
    assert repair["amount"] == "80.00" and repair["overdue"] is True

    got = await get_json(fees, f"/v1/charges/{fee['id']}")
    assert got == fee
    listed = await get_json(fees, "/v1/charges", unit_id=unit)
    # oldest due first: the order payments settle them in
    assert [c["id"] for c in listed["items"]] == [repair["id"], fee["id"]]
    assert listed["total"] == 2 and listed["limit"] == 50 and listed["offset"] == 0
    page = await get_json(fees, "/v1/charges", unit_id=unit, limit=1, offset=1)
    assert [c["id"] for c in page["items"]] == [fee["id"]] and page["total"] == 2
    by_kind = await get_json(fees, "/v1/charges", unit_id=unit, kind="paid_service")
    assert [c["id"] for c in by_kind["items"]] == [repair["id"]]
    overdue = await get_json(fees, "/v1/charges", unit_id=unit, status="overdue")
    assert [c["id"] for c in overdue["items"]] == [repair["id"]]
    assert (await get_json(fees, "/v1/charges", unit_id=unit, status="paid"))["total"] == 0
    assert (await get_json(fees, "/v1/charges", unit_id=unit, status="open"))["total"] == 2
    other = await open_unit(fees)
    assert (await get_json(fees, "/v1/charges", unit_id=other))["total"] == 0
    assert await balance(fees, unit) == "1330.00"

    r = await fees.client.get(f"/v1/charges/{uuid.uuid4()}")
    assert_problem(r, 404, "charge_id")
    r = await fees.client.get("/v1/charges", params={"status": "lost"})
    assert_problem(r, 422, "status")


@pytest.mark.parametrize(
    ("amount", "why"),
    [
        (12.5, "a JSON number"),
        (12, "a JSON integer"),
        ("12.345", "three places"),
        ("-5.00", "negative"),
        ("0.00", "zero"),
        ("12,50", "not a decimal"),
        ("1e3", "exponent"),
        ("NaN", "not a number"),
        ("123456789012.00", "too large"),
        (None, "missing"),
    ],
)
async def test_amounts_must_be_positive_decimal_strings_with_two_places(
    fees: RunningApp, amount: Any, why: str
) -> None:
    unit = await open_unit(fees)
    for path, body in (
        (
            "/v1/charges",
            {"unit_id": unit, "kind": "rent", "amount": amount, "due_date": days(10)},
        ),
        ("/v1/payments", {"unit_id": unit, "amount": amount, "method": "cash"}),
    ):
        r = await fees.client.post(path, json=body)
        assert_problem(r, 422, "amount")
    # nothing was written
    assert (await get_json(fees, "/v1/charges", unit_id=unit))["total"] == 0
    assert (await get_json(fees, "/v1/payments", unit_id=unit))["total"] == 0
    assert await balance(fees, unit) == "0.00"


async def test_a_float_amount_is_refused_by_name(fees: RunningApp) -> None:
    unit = await open_unit(fees)
    r = await fees.client.post(
        "/v1/charges",
        content=f'{{"unit_id": "{unit}", "kind": "rent", "amount": 12.5, "due_date": "{days(1)}"}}',
        headers={"content-type": "application/json"},
    )
    assert_problem(r, 422, "amount")
    assert "decimal string" in r.json()["detail"]
    # the same amount as a string, and one with a trailing zero beyond two places, are fine
    assert (await charge(fees, unit, "12.50", 1))["amount"] == "12.50"
    assert (await charge(fees, unit, "12.500", 1))["amount"] == "12.50"


async def test_other_charge_and_payment_fields_are_checked(fees: RunningApp) -> None:
    unit = await open_unit(fees)
    base = {"unit_id": unit, "kind": "rent", "amount": "10.00", "due_date": days(5)}
    for field, bad in (
        ("kind", "parking_fine"),
        ("period", "2026-13"),
        ("period", "11/2026"),
        ("due_date", "someday"),
        ("description", "x" * 501),
    ):
        r = await fees.client.post("/v1/charges", json={**base, field: bad})
        assert_problem(r, 422, field)
    pay_base = {"unit_id": unit, "amount": "10.00", "method": "cash"}
    for field, bad in (
        ("method", "bitcoin"),
        ("paid_at", "2026-01-01T10:00:00"),  # no time zone
        ("paid_at", (datetime.now(UTC) + timedelta(days=1)).isoformat()),  # in the future
        ("reference", "r" * 101),
    ):
        r = await fees.client.post("/v1/payments", json={**pay_base, field: bad})
        assert_problem(r, 422, field)
    assert (await get_json(fees, "/v1/payments", unit_id=unit))["total"] == 0
    # paid earlier: kept as given (UTC); with no paid_at: now
    earlier = "2026-01-05T09:30:00+08:00"
    r = await fees.client.post("/v1/payments", json={**pay_base, "paid_at": earlier})
    assert r.status_code == 201, r.text
    assert r.json()["paid_at"] == "2026-01-05T01:30:00Z"
    before = datetime.now(UTC)
    now_paid = await pay(fees, unit, "1.00")
    assert abs(datetime.fromisoformat(now_paid["paid_at"]) - before) < timedelta(minutes=1)


async def test_a_unit_without_an_account_is_refused(fees: RunningApp) -> None:
    nowhere = str(uuid.uuid4())
    r = await fees.client.post(
        "/v1/charges",
        json={"unit_id": nowhere, "kind": "rent", "amount": "10.00", "due_date": days(1)},
    )
    assert_problem(r, 422, "unit_id")
    r = await fees.client.post(
        "/v1/payments", json={"unit_id": nowhere, "amount": "10.00", "method": "card"}
    )
    assert_problem(r, 422, "unit_id")
    assert (await get_json(fees, "/v1/charges"))["total"] == 0


async def test_payments_settle_the_oldest_charges_first_and_keep_the_rest_as_credit(
    fees: RunningApp,
) -> None:
    unit = await open_unit(fees)
    # posted out of order: allocation follows the due dates, not the posting order
    c3 = await charge(fees, unit, "300.00", 40)
    c1 = await charge(fees, unit, "100.00", -20)
    c2 = await charge(fees, unit, "200.00", 10)

    p1 = await pay(fees, unit, "250.00", method="bank_transfer")
    assert {a["charge_id"]: a["amount"] for a in p1["allocations"]} == {
        c1["id"]: "100.00",
        c2["id"]: "150.00",
    }
    assert p1["unallocated"] == "0.00" and p1["method"] == "bank_transfer"
    got = {c["id"]: c for c in (await get_json(fees, "/v1/charges", unit_id=unit))["items"]}
    assert (got[c1["id"]]["status"], got[c1["id"]]["outstanding"]) == ("paid", "0.00")
    assert (got[c2["id"]]["status"], got[c2["id"]]["paid_amount"]) == ("partially_paid", "150.00")
    assert (got[c2["id"]]["outstanding"], got[c3["id"]]["status"]) == ("50.00", "open")
    assert await balance(fees, unit) == "350.00"

    # more than is owed: the rest stays on the account as credit
    p2 = await pay(fees, unit, "400.00")
    assert {a["charge_id"]: a["amount"] for a in p2["allocations"]} == {
        c2["id"]: "50.00",
        c3["id"]: "300.00",
    }
    assert p2["unallocated"] == "50.00"
    assert (await get_json(fees, "/v1/charges", unit_id=unit, status="unpaid"))["total"] == 0
    assert await balance(fees, unit) == "-50.00"
    status = await get_json(fees, f"/v1/accounts/{unit}/status")
    assert (status["balance_due"], status["credit"], status["status"]) == (
        "0.00",
        "50.00",
        "current",
    )

    # the next charge is paid from the credit first
    c4 = await charge(fees, unit, "80.00", 30)
    assert (c4["status"], c4["paid_amount"], c4["outstanding"]) == (
        "partially_paid",
        "50.00",
        "30.00",
    )
    payments = (await get_json(fees, "/v1/payments", unit_id=unit))["items"]
    assert [p["id"] for p in payments] == [p2["id"], p1["id"]]  # newest first
    assert payments[0]["unallocated"] == "0.00"
    assert payments[0]["allocations"][-1] == {"charge_id": c4["id"], "amount": "50.00"}
    status = await get_json(fees, f"/v1/accounts/{unit}/status")
    assert (status["balance_due"], status["credit"]) == ("30.00", "0.00")
    assert await balance(fees, unit) == "30.00"
    assert (await get_json(fees, f"/v1/payments/{p1['id']}"))["amount"] == "250.00"


async def test_concurrent_payments_for_one_unit_book_one_after_the_other(
    fees: RunningApp,
) -> None:
    unit = await open_unit(fees)
    first = await charge(fees, unit, "100.00", -1)
    second = await charge(fees, unit, "45.00", 1)
    paid = await asyncio.gather(*(pay(fees, unit, "30.00") for _ in range(6)))
    allocated: dict[str, Decimal] = {}
    for payment in paid:
        for a in payment["allocations"]:
            allocated[a["charge_id"]] = allocated.get(a["charge_id"], Decimal(0)) + Decimal(
                a["amount"]
            )
    assert allocated == {first["id"]: Decimal("100.00"), second["id"]: Decimal("45.00")}
    assert sum(Decimal(p["unallocated"]) for p in paid) == Decimal("35.00")
    charges = (await get_json(fees, "/v1/charges", unit_id=unit))["items"]
    assert [(c["status"], c["paid_amount"]) for c in charges] == [
        ("paid", "100.00"),
        ("paid", "45.00"),
    ]
    status = await get_json(fees, f"/v1/accounts/{unit}/status")
    assert (status["balance_due"], status["credit"]) == ("0.00", "35.00")
    assert await balance(fees, unit) == "-35.00"


async def test_a_payment_with_nothing_owed_is_all_credit(fees: RunningApp) -> None:
    unit = await open_unit(fees)
    prepaid = await pay(fees, unit, "600.00", method="autopay")
    assert prepaid["allocations"] == [] and prepaid["unallocated"] == "600.00"
    fee = await charge(fees, unit, "250.00", 5)
    assert (fee["status"], fee["outstanding"]) == ("paid", "0.00")
    status = await get_json(fees, f"/v1/accounts/{unit}/status")
    assert (status["balance_due"], status["credit"]) == ("0.00", "350.00")
    assert await balance(fees, unit) == "-350.00"


async def test_posts_with_the_same_idempotency_key_book_once(fees: RunningApp) -> None:
    unit = await open_unit(fees)
    body = {"unit_id": unit, "kind": "utilities", "amount": "42.10", "due_date": days(3)}
    key = {"Idempotency-Key": "charge-42"}
    first = await fees.client.post("/v1/charges", json=body, headers=key)
    again = await fees.client.post("/v1/charges", json=body, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json()
    assert (await get_json(fees, "/v1/charges", unit_id=unit))["total"] == 1
    r = await fees.client.post("/v1/charges", json={**body, "amount": "42.11"}, headers=key)
    assert_problem(r, 422, "Idempotency-Key")

    pay_body = {"unit_id": unit, "amount": "20.00", "method": "cheque", "reference": "CHQ 001"}
    key = {"Idempotency-Key": "pay-20"}
    first = await fees.client.post("/v1/payments", json=pay_body, headers=key)
    again = await fees.client.post("/v1/payments", json=pay_body, headers=key)
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert (await get_json(fees, "/v1/payments", unit_id=unit))["total"] == 1
    assert await balance(fees, unit) == "22.10"  # charged once, paid once
    # without a key, a second post is a second payment
    await pay(fees, unit, "20.00")
    assert await balance(fees, unit) == "2.10"


async def test_fees_writes_manager_reads_others_are_refused(fees: RunningApp) -> None:
    unit = await open_unit(fees, property_id="p-1")
    body = {"unit_id": unit, "kind": "management_fee", "amount": "99.00", "due_date": days(9)}
    pay_body = {"unit_id": unit, "amount": "9.00", "method": "cash"}
    clerk, manager, desk = auth(fees, "fees"), auth(fees, "manager"), auth(fees, "frontdesk")

    r = await fees.client.post("/v1/charges", json=body, headers=clerk)
    assert r.status_code == 201, r.text
    assert (await fees.client.post("/v1/payments", json=pay_body, headers=clerk)).status_code == 201
    for path, b in (("/v1/charges", body), ("/v1/payments", pay_body)):
        assert (await fees.client.post(path, json=b, headers=desk)).status_code == 403
        assert (await fees.client.post(path, json=b, headers=manager)).status_code == 403
    for path in ("/v1/charges", "/v1/payments", f"/v1/accounts/{unit}/status"):
        r = await fees.client.get(path, params={"unit_id": unit}, headers=manager)
        assert r.status_code == 200, r.text
        assert (await fees.client.get(path, headers=desk)).status_code == 403
    async with httpx.AsyncClient(base_url=fees.url) as anonymous:
        assert (await anonymous.post("/v1/charges", json=body)).status_code == 401
    assert (await get_json(fees, "/v1/charges", unit_id=unit))["total"] == 1

    # a clerk limited to another property neither sees nor books this unit
    elsewhere = auth(fees, "fees", property_ids=["p-2"])
    r = await fees.client.post("/v1/charges", json=body, headers=elsewhere)
    assert_problem(r, 403, "property_id")
    r = await fees.client.get("/v1/charges", params={"unit_id": unit}, headers=elsewhere)
    assert r.json()["total"] == 0
    assert (await fees.client.get("/v1/payments", headers=elsewhere)).json()["total"] == 0
    r = await fees.client.get(f"/v1/accounts/{unit}/status", headers=elsewhere)
    assert_problem(r, 403, "property_id")
    assert (await get_json(fees, "/v1/charges", unit_id=unit))["total"] == 1


def test_due_dates_are_iso_days() -> None:
    assert date.fromisoformat(days(0)) == today_in(DEFAULT_TIME_ZONE)
