"""Money on day one: a management fee or rent charged twice for one period is a 409; a charge
is voided with a reason (kept, reversed in balance and status); "today" is the property's;
a new account's first status (current) is published."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from fees.accounts.models import Account
from fees.accounts.service import open_account_for_unit
from fees.app import create_app
from fees.settings import FeesSettings
from propops.events import new_event
from propops.events.catalog import subject_for
from propops.events.payloads import UnitRegistered
from propops.messaging.models import OutboxRow
from propops.testing.fixtures import RunningApp, eventually, token_for
from propops.timezones import DEFAULT_TIME_ZONE, today_in

STATUS_CHANGED = "propops.fees.account.status_changed.v1"


@pytest.fixture
async def fees(start_service) -> RunningApp:
    return await start_service(create_app, "fees", settings_cls=FeesSettings)


async def open_unit(fees: RunningApp, time_zone: str | None = None) -> tuple[str, str]:
    unit = UnitRegistered(
        unit_id=str(uuid.uuid4()),
        property_id="p-1",
        property_code="HKA",
        building="A",
        number=uuid.uuid4().hex[:6],
        time_zone=time_zone,
    )
    async with fees.ctx.db.sessions() as session:
        account = await open_account_for_unit(session, unit)
        await session.commit()
    return unit.unit_id, account.id


async def charge(fees: RunningApp, unit_id: str, expect: int = 201, **body: Any) -> dict:
    due = (today_in(DEFAULT_TIME_ZONE) + timedelta(days=10)).isoformat()
    r = await fees.client.post(
        "/v1/charges",
        json={"unit_id": unit_id, "kind": "management_fee", "due_date": due, **body},
    )
    assert r.status_code == expect, r.text
    return r.json()


async def status_events(fees: RunningApp, account_id: str) -> list[dict]:
    async with fees.ctx.db.sessions() as session:
        rows = (
            await session.scalars(
                select(OutboxRow)
                .where(OutboxRow.type == STATUS_CHANGED, OutboxRow.aggregate_id == account_id)
                .order_by(OutboxRow.seq)
            )
        ).all()
    return [json.loads(row.envelope)["data"] for row in rows]


async def test_a_fee_or_rent_is_charged_once_per_unit_and_period(fees: RunningApp) -> None:
    unit, _ = await open_unit(fees)
    first = await charge(fees, unit, amount="1200.00", period="2026-11")
    dup = await charge(fees, unit, expect=409, amount="1200.00", period="2026-11")
    assert dup["field"] == "period" and dup["charge_id"] == first["id"]
    assert "management_fee" in dup["detail"] and "2026-11" in dup["detail"]
    await charge(fees, unit, amount="1200.00", period="2026-12")  # the next month: fine
    await charge(fees, unit, kind="rent", amount="800.00", period="2026-11")  # another kind
    await charge(fees, unit, kind="rent", expect=409, amount="800.00", period="2026-11")
    # billed jobs may repeat within a month
    for _ in range(2):
        await charge(fees, unit, kind="paid_service", amount="50.00", period="2026-11")
    other_unit, _ = await open_unit(fees)
    await charge(fees, other_unit, amount="1200.00", period="2026-11")  # another unit
    # once the first is voided, the month can be charged again
    r = await fees.client.post(f"/v1/charges/{first['id']}/void", json={"reason": "wrong amount"})
    assert r.status_code == 200, r.text
    await charge(fees, unit, amount="1100.00", period="2026-11")


async def test_a_voided_charge_stays_listed_and_leaves_balance_and_status(fees: RunningApp) -> None:
    unit, account_id = await open_unit(fees)
    past_due = (today_in(DEFAULT_TIME_ZONE) - timedelta(days=5)).isoformat()
    wrong = await charge(fees, unit, amount="100.00", due_date=past_due, period="2026-10")
    right = await charge(fees, unit, amount="30.00", due_date=past_due, kind="utilities")
    r = await fees.client.post(
        "/v1/payments", json={"unit_id": unit, "amount": "60.00", "method": "cash"}
    )
    assert r.status_code == 201
    status = (await fees.client.get(f"/v1/accounts/{unit}/status")).json()
    assert (status["status"], status["overdue_amount"]) == ("arrears", "70.00")

    r = await fees.client.post(
        f"/v1/charges/{wrong['id']}/void", json={"reason": "billed the wrong unit"}
    )
    assert r.status_code == 200, r.text
    voided = r.json()
    assert voided["status"] == "voided" and voided["void_reason"] == "billed the wrong unit"
    assert voided["voided_by"] and voided["voided_at"] and voided["overdue"] is False
    assert voided["amount"] == "100.00"  # kept as it was billed
    # the 60.00 paid on it is credit again, and pays the 30.00 utilities charge
    assert (await fees.client.get(f"/v1/charges/{right['id']}")).json()["status"] == "paid"
    status = (await fees.client.get(f"/v1/accounts/{unit}/status")).json()
    assert (status["status"], status["balance_due"], status["credit"]) == (
        "current",
        "0.00",
        "30.00",
    )
    account = (await fees.client.get("/v1/accounts", params={"unit_id": unit})).json()["items"]
    assert account[0]["balance"] == "-30.00"
    assert [e["status"] for e in await status_events(fees, account_id)][-1] == "current"
    listed = (
        await fees.client.get("/v1/charges", params={"unit_id": unit, "status": "voided"})
    ).json()
    assert [c["id"] for c in listed["items"]] == [wrong["id"]]
    again = await fees.client.post(f"/v1/charges/{wrong['id']}/void", json={"reason": "again"})
    assert again.status_code == 409 and again.json()["field"] == "status"
    blank = await fees.client.post(f"/v1/charges/{right['id']}/void", json={"reason": ""})
    assert blank.status_code == 422
    manager = {"Authorization": f"Bearer {token_for(fees.settings, 'manager')}"}
    r = await fees.client.post(
        f"/v1/charges/{right['id']}/void", json={"reason": "x"}, headers=manager
    )
    assert r.status_code == 403


async def test_today_is_the_propertys_day(fees: RunningApp) -> None:
    """The same due day is overdue on Kiritimati (UTC+14) and not yet in Pago Pago (UTC-11)."""
    due = (today_in("Pacific/Kiritimati") - timedelta(days=1)).isoformat()
    east, _ = await open_unit(fees, "Pacific/Kiritimati")
    west, _ = await open_unit(fees, "Pacific/Pago_Pago")
    for unit in (east, west):
        await charge(fees, unit, kind="utilities", amount="10.00", due_date=due)
    assert (await fees.client.get(f"/v1/accounts/{east}/status")).json()["status"] == "arrears"
    assert (await fees.client.get(f"/v1/accounts/{west}/status")).json()["status"] == "current"
    overdue = (await fees.client.get("/v1/charges", params={"status": "overdue"})).json()
    assert [c["unit_id"] for c in overdue["items"]] == [east]
    assert [c["overdue"] for c in overdue["items"]] == [True]


async def test_a_new_account_publishes_its_first_status(start_service) -> None:
    fees = await start_service(create_app, "fees", settings_cls=FeesSettings)
    assert await fees.ctx.bus.wait_ready(within=15)
    unit = UnitRegistered(
        unit_id=str(uuid.uuid4()),
        property_id="p-1",
        property_code="HKA",
        building="A",
        number="1",
        time_zone="Asia/Singapore",
    )
    event = new_event(unit, subject=unit.unit_id)
    await fees.ctx.bus.publish(
        subject_for(event.type, fees.settings.nats_namespace), event.to_json(), event.id
    )

    async def account() -> list[dict]:
        return (await fees.client.get("/v1/accounts", params={"unit_id": unit.unit_id})).json()[
            "items"
        ]

    found = (await eventually(account, what="account"))[0]
    published = await status_events(fees, found["id"])
    assert [(e["status"], e["balance_due"]) for e in published] == [("current", "0.00")]
    async with fees.ctx.db.sessions() as session:
        stored = await session.get(Account, found["id"])
    assert stored is not None and stored.time_zone == "Asia/Singapore"
