"""Each unit's payment status (current / arrears) and its status_changed events: published in
the same transaction as the charge or payment that moves it, and by the sweep when a charge
falls overdue with no change at all. Real NATS and database through the test plugin."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, text

from fees.accounts.models import Account
from fees.accounts.service import open_account_for_unit
from fees.app import create_app
from fees.charges import service as charges
from fees.charges.models import ChargeKind
from fees.charges.schemas import ChargeIn
from fees.settings import FeesSettings
from fees.status.sweep import StatusSweep
from propops.events.payloads import AccountStatusChanged, UnitRegistered
from propops.jobs import lock_key
from propops.messaging.models import OutboxRow
from propops.testing.fixtures import RunningApp, eventually
from propops.timezones import DEFAULT_TIME_ZONE, today_in

STATUS_CHANGED = "propops.fees.account.status_changed.v1"


@pytest.fixture
async def fees(start_service) -> RunningApp:
    return await start_service(create_app, "fees", settings_cls=FeesSettings)


def today() -> date:
    """Today where the test units are (the default time zone: their events carry none)."""
    return today_in(DEFAULT_TIME_ZONE)


def days(n: int) -> date:
    return today() + timedelta(days=n)


async def open_unit(fees: RunningApp) -> tuple[str, str]:
    """A unit with a fee account; returns (unit_id, account_id)."""
    unit = UnitRegistered(
        unit_id=str(uuid.uuid4()),
        property_id="p-1",
        property_code="HKA",
        building="B",
        number=uuid.uuid4().hex[:6],
    )
    async with fees.ctx.db.sessions() as session:
        account = await open_account_for_unit(session, unit)
        await session.commit()
    return unit.unit_id, account.id


async def charge(fees: RunningApp, unit_id: str, amount: str, due: int) -> dict[str, Any]:
    body = {
        "unit_id": unit_id,
        "kind": "management_fee",
        "amount": amount,
        "due_date": str(days(due)),
    }
    r = await fees.client.post("/v1/charges", json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def pay(fees: RunningApp, unit_id: str, amount: str) -> dict[str, Any]:
    r = await fees.client.post(
        "/v1/payments", json={"unit_id": unit_id, "amount": amount, "method": "cash"}
    )
    assert r.status_code == 201, r.text
    return r.json()


async def status_of(fees: RunningApp, unit_id: str) -> dict[str, Any]:
    r = await fees.client.get(f"/v1/accounts/{unit_id}/status")
    assert r.status_code == 200, r.text
    return r.json()


def brief(status: dict[str, Any]) -> tuple[Any, ...]:
    return (
        status["status"],
        status["balance_due"],
        status["overdue_amount"],
        status["oldest_overdue_date"],
    )


async def events(fees: RunningApp, account_id: str) -> list[dict[str, Any]]:
    """The status_changed events of one account in the outbox, oldest first."""
    async with fees.ctx.db.sessions() as session:
        rows = (
            await session.scalars(
                select(OutboxRow)
                .where(OutboxRow.type == STATUS_CHANGED, OutboxRow.aggregate_id == account_id)
                .order_by(OutboxRow.seq)
            )
        ).all()
    found = [json.loads(row.envelope) for row in rows]
    for event in found:
        AccountStatusChanged.model_validate(event["data"])  # the published contract
    return [e["data"] for e in found]


def brief_event(data: dict[str, Any]) -> tuple[Any, ...]:
    return (
        data["status"],
        data["balance_due"],
        data["overdue_amount"],
        data["oldest_overdue_date"],
    )


async def test_status_is_current_or_arrears_with_exact_amounts(fees: RunningApp) -> None:
    unit, account_id = await open_unit(fees)
    fresh = await status_of(fees, unit)
    assert brief(fresh) == ("current", "0.00", "0.00", None)
    assert fresh["account_id"] == account_id and fresh["unit_id"] == unit
    assert fresh["credit"] == "0.00"
    assert abs(datetime.fromisoformat(fresh["as_of"]) - datetime.now(UTC)) < timedelta(minutes=1)

    await charge(fees, unit, "30.00", 5)  # not due yet
    await charge(fees, unit, "45.25", 0)  # due today: not overdue until tomorrow
    assert brief(await status_of(fees, unit)) == ("current", "75.25", "0.00", None)

    await charge(fees, unit, "50.50", -10)
    await charge(fees, unit, "100.00", -40)
    assert brief(await status_of(fees, unit)) == (
        "arrears",
        "225.75",
        "150.50",
        str(days(-40)),
    )

    await pay(fees, unit, "120.00")  # the oldest (100.00) and 20.00 of the next
    assert brief(await status_of(fees, unit)) == ("arrears", "105.75", "30.50", str(days(-10)))

    await pay(fees, unit, "30.50")
    assert brief(await status_of(fees, unit)) == ("current", "75.25", "0.00", None)

    await pay(fees, unit, "100.00")
    status = await status_of(fees, unit)
    assert brief(status) == ("current", "0.00", "0.00", None) and status["credit"] == "24.75"

    r = await fees.client.get(f"/v1/accounts/{uuid.uuid4()}/status")
    assert r.status_code == 404 and r.json()["field"] == "unit_id"
    # the account itself is still reachable by its id; balance = charged - paid
    r = await fees.client.get(f"/v1/accounts/{account_id}")
    assert r.status_code == 200 and r.json()["balance"] == "-24.75"


async def test_each_change_of_status_or_amounts_is_published_once(fees: RunningApp) -> None:
    unit, account_id = await open_unit(fees)
    other, other_account = await open_unit(fees)
    assert await events(fees, account_id) == []

    await charge(fees, unit, "200.00", 10)
    await charge(fees, unit, "80.00", -5)
    await pay(fees, unit, "50.00")
    await pay(fees, unit, "230.00")
    await pay(fees, unit, "40.00")  # credit only: status and amounts due unchanged, no event
    await charge(fees, unit, "15.00", 20)  # paid from the credit: nothing due, no event
    await charge(fees, unit, "35.00", 30)  # 25.00 of credit left: 10.00 due
    await charge(fees, other, "9.99", -1)

    found = await events(fees, account_id)
    assert [brief_event(e) for e in found] == [
        ("current", "200.00", "0.00", None),
        ("arrears", "280.00", "80.00", str(days(-5))),
        ("arrears", "230.00", "30.00", str(days(-5))),
        ("current", "0.00", "0.00", None),
        ("current", "10.00", "0.00", None),
    ]
    assert {(e["account_id"], e["unit_id"], e["property_id"]) for e in found} == {
        (account_id, unit, "p-1")
    }
    as_of = [datetime.fromisoformat(e["as_of"]) for e in found]
    assert as_of == sorted(as_of)
    assert [brief_event(e) for e in await events(fees, other_account)] == [
        ("arrears", "9.99", "9.99", str(days(-1)))
    ]

    # the relay publishes them to NATS
    async def all_published() -> bool:
        async with fees.ctx.db.sessions() as session:
            rows = (
                await session.scalars(select(OutboxRow).where(OutboxRow.type == STATUS_CHANGED))
            ).all()
        return len(rows) == 6 and all(r.published_at is not None for r in rows)

    await eventually(all_published, what="status_changed events published")


async def test_the_sweep_publishes_once_when_a_charge_falls_overdue(fees: RunningApp) -> None:
    unit, account_id = await open_unit(fees)
    await charge(fees, unit, "500.00", 2)
    await charge(fees, unit, "20.00", 4)
    assert [brief_event(e) for e in await events(fees, account_id)] == [
        ("current", "500.00", "0.00", None),
        ("current", "520.00", "0.00", None),
    ]
    sweep = StatusSweep(fees.ctx.db)

    assert await sweep.sweep_once() == 0  # nothing has changed today
    assert await sweep.sweep_once(today=days(2)) == 0  # due on the day: not overdue yet
    assert await sweep.sweep_once(today=days(3)) == 1
    found = await events(fees, account_id)
    assert brief_event(found[-1]) == ("arrears", "520.00", "500.00", str(days(2)))
    assert await sweep.sweep_once(today=days(3)) == 0  # once per change
    assert await sweep.sweep_once(today=days(4)) == 0
    assert await sweep.sweep_once(today=days(5)) == 1  # the second charge falls overdue too
    assert brief_event((await events(fees, account_id))[-1]) == (
        "arrears",
        "520.00",
        "520.00",
        str(days(2)),
    )
    assert await sweep.sweep_once(today=days(60)) == 0
    assert len(await events(fees, account_id)) == 4
    async with fees.ctx.db.sessions() as session:
        account = await session.get(Account, account_id)
        assert account is not None
        assert account.status_review_on is None  # nothing left to fall overdue
        assert account.published_status == "arrears"
        assert account.published_overdue_amount == Decimal("520.00")


async def test_concurrent_sweeps_publish_a_change_once(fees: RunningApp) -> None:
    units = [await open_unit(fees) for _ in range(3)]
    for unit, _ in units:
        await charge(fees, unit, "70.00", 1)
    sweeps = [StatusSweep(fees.ctx.db) for _ in range(3)]
    results = await asyncio.gather(*(s.sweep_once(today=days(2)) for s in sweeps))
    assert sum(results) == 3
    for _, account_id in units:
        assert [brief_event(e)[0] for e in await events(fees, account_id)] == [
            "current",
            "arrears",
        ]


async def test_a_sweep_skips_its_round_while_another_replica_holds_it(fees: RunningApp) -> None:
    if fees.ctx.db.dialect != "postgresql":
        pytest.skip("the sweep's advisory lock exists on PostgreSQL only")
    unit, account_id = await open_unit(fees)
    await charge(fees, unit, "70.00", 1)
    sweep = StatusSweep(fees.ctx.db)
    async with fees.ctx.db.sessions() as other_replica:
        assert await other_replica.scalar(
            text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": lock_key("fees-status-sweep")}
        )
        assert await sweep.sweep_once(today=days(2)) == 0
        await other_replica.rollback()
    assert await sweep.sweep_once(today=days(2)) == 1
    assert len(await events(fees, account_id)) == 2


async def test_the_running_service_sweeps_by_itself(start_service) -> None:
    fees = await start_service(
        create_app, "fees", settings_cls=FeesSettings, status_sweep_seconds=0.2
    )
    unit, account_id = await open_unit(fees)
    # a charge due yesterday, booked "yesterday" (so not overdue then): today it is
    async with fees.ctx.db.sessions() as session:
        data = ChargeIn(
            unit_id=unit, kind=ChargeKind.management_fee, amount=Decimal("88.80"), due_date=days(-1)
        )
        await charges.post_charge(session, data, today=days(-1))
        await session.commit()
    assert [brief_event(e) for e in await events(fees, account_id)] == [
        ("current", "88.80", "0.00", None)
    ]

    async def swept() -> list[dict[str, Any]]:
        found = await events(fees, account_id)
        return found if len(found) == 2 else []

    found = await eventually(swept, what="the background sweep")
    assert brief_event(found[-1]) == ("arrears", "88.80", "88.80", str(days(-1)))
    await asyncio.sleep(0.6)  # a few more rounds: still once
    assert len(await events(fees, account_id)) == 2
