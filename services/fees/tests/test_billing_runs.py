"""Fee rates, the accounts list and the monthly billing run over HTTP and as rules: one charge
per unit and period even when a run is interrupted and resumed, totals that reconcile with
concurrent payments, and leases' rents and venue fees from leasing's events."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from fees.accounts.handlers import on_unit_registered
from fees.accounts.models import Account
from fees.accounts.service import open_account_for_unit
from fees.app import create_app
from fees.billing_runs import service as runs
from fees.billing_runs.jobs import resume_stalled
from fees.billing_runs.schemas import BillingRunIn
from fees.charges.models import Charge
from fees.contracts.service import apply_contract, charge_venue_fee, void_venue_fee
from fees.payments.models import Payment
from fees.settings import FeesSettings
from propops.auth import Principal
from propops.events import new_event
from propops.events.payloads import (
    ContractChanged,
    UnitRegistered,
    VenueBookingCancelled,
    VenueBookingSigned,
)
from propops.messaging.models import OutboxRow
from propops.testing.fixtures import RunningApp, eventually
from propops.timezones import today_in

COMPLETED = "propops.fees.billing_run.completed.v1"
ADMIN = Principal(user_id="u-admin", username="admin", roles=frozenset({"admin"}))


@pytest.fixture
async def fees(start_service) -> RunningApp:
    # small chunks: a run of a few dozen units takes several transactions, as a large one does
    return await start_service(create_app, "fees", settings_cls=FeesSettings, billing_run_chunk=10)


def new_property() -> str:
    return f"p-{uuid.uuid4().hex[:8]}"


async def open_units(
    fees: RunningApp, property_id: str, areas: list[str | None], *, code: str = "HKA"
) -> list[str]:
    """Units with fee accounts, as if the front desk had registered them."""
    units = []
    async with fees.ctx.db.sessions() as session:
        for i, area in enumerate(areas):
            unit = UnitRegistered(
                unit_id=str(uuid.uuid4()),
                property_id=property_id,
                property_code=code,
                building="A",
                number=f"{i + 1:03d}",
                area_m2=Decimal(area) if area is not None else None,
            )
            await open_account_for_unit(session, unit)
            units.append(unit.unit_id)
        await session.commit()
    return units


async def add_rate(
    fees: RunningApp, property_id: str, amount: str, day: str, basis: str = "per_m2"
) -> dict[str, Any]:
    r = await fees.client.post(
        "/v1/fee-rates",
        json={"property_id": property_id, "basis": basis, "amount": amount, "effective_from": day},
    )
    assert r.status_code == 201, r.text
    return r.json()


async def run_to_end(fees: RunningApp, property_id: str, period: str) -> dict[str, Any]:
    r = await fees.client.post(
        "/v1/billing-runs", json={"property_id": property_id, "period": period}
    )
    assert r.status_code == 201, r.text

    async def completed() -> dict[str, Any] | None:
        got = (await fees.client.get(f"/v1/billing-runs/{r.json()['id']}")).json()
        return got if got["status"] == "completed" else None

    return await eventually(completed, what="the billing run completes")


async def charges_of(fees: RunningApp, **where: Any) -> list[Charge]:
    async with fees.ctx.db.sessions() as session:
        stmt = select(Charge).filter_by(**where).order_by(Charge.unit_id)
        return list((await session.scalars(stmt)).all())


async def test_fee_rates_keep_their_history_and_refuse_a_second_rate_from_a_day(
    fees: RunningApp,
) -> None:
    prop = new_property()
    first = await add_rate(fees, prop, "3.20", "2026-01-01")
    second = await add_rate(fees, prop, "3.50", "2026-07-01", basis="per_unit")
    assert first["amount"] == "3.20" and first["basis"] == "per_m2"
    assert first["created_by"] == "test-user"
    listed = (await fees.client.get("/v1/fee-rates", params={"property_id": prop})).json()
    assert [r["id"] for r in listed["items"]] == [second["id"], first["id"]]  # newest first
    assert listed["total"] == 2
    again = await fees.client.post(
        "/v1/fee-rates",
        json={
            "property_id": prop,
            "basis": "per_m2",
            "amount": "4.00",
            "effective_from": "2026-07-01",
        },
    )
    assert again.status_code == 409 and again.json()["field"] == "effective_from"
    bad = await fees.client.post(
        "/v1/fee-rates",
        json={"property_id": prop, "basis": "per_ft", "amount": "4.00", "effective_from": "x"},
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} >= {"basis", "effective_from"}
    got = await fees.client.get(f"/v1/fee-rates/{first['id']}")
    assert got.json() == first


async def test_accounts_are_listed_by_property_with_a_total(fees: RunningApp) -> None:
    prop, other = new_property(), new_property()
    units = await open_units(fees, prop, ["50.00", "60.00", None])
    await open_units(fees, other, ["70.00"])
    page = (await fees.client.get("/v1/accounts", params={"property_id": prop, "limit": 2})).json()
    assert page["total"] == 3 and page["limit"] == 2 and len(page["items"]) == 2
    listed = (await fees.client.get("/v1/accounts", params={"property_id": prop})).json()
    assert {a["unit_id"] for a in listed["items"]} == set(units)
    assert {a["holder"] for a in listed["items"]} == {"unit"}
    assert sorted(a["area_m2"] or "" for a in listed["items"]) == ["", "50.00", "60.00"]
    wrong = await fees.client.get("/v1/accounts", params={"holder": "tenant"})
    assert wrong.status_code == 422 and wrong.json()["field"] == "holder"


async def test_a_billing_run_charges_every_unit_once_and_answers_the_same_run_again(
    fees: RunningApp,
) -> None:
    prop = new_property()
    units = await open_units(fees, prop, ["80.50", "61.11", None])
    await add_rate(fees, prop, "3.00", "2026-01-01")
    await add_rate(fees, prop, "3.25", "2026-11-01")  # in force on 1 November
    await add_rate(fees, prop, "9.99", "2026-11-02")  # not yet on the period's first day
    run = await run_to_end(fees, prop, "2026-11")
    assert run["rate_amount"] == "3.25" and run["rate_basis"] == "per_m2"
    assert run["units_total"] == 3 and run["units_done"] == 3 and run["progress"] == 1.0
    assert run["management_fee_count"] == 2 and run["units_skipped"] == 1  # no area
    assert run["due_date"] == "2026-11-30" and run["started_by"] == "test-user"
    charged = {c.unit_id: c for c in await charges_of(fees, billing_run_id=run["id"])}
    assert charged[units[0]].amount == Decimal("261.63")  # 80.50 x 3.25 = 261.625
    assert charged[units[1]].amount == Decimal("198.61")  # 61.11 x 3.25 = 198.6075
    assert units[2] not in charged
    assert run["management_fee_total"] == "460.24" and run["total"] == "460.24"
    listed = (await fees.client.get("/v1/accounts", params={"property_id": prop})).json()
    assert {a["unit_id"]: a["balance"] for a in listed["items"]} == {
        units[0]: "261.63",
        units[1]: "198.61",
        units[2]: "0.00",
    }

    again = await fees.client.post(
        "/v1/billing-runs", json={"property_id": prop, "period": "2026-11"}
    )
    assert again.status_code == 200 and again.json()["id"] == run["id"]
    assert len(await charges_of(fees, property_id=prop)) == 2
    async with fees.ctx.db.sessions() as session:
        events = (
            await session.scalars(
                select(OutboxRow).where(
                    OutboxRow.type == COMPLETED, OutboxRow.aggregate_id == run["id"]
                )
            )
        ).all()
    assert len(events) == 1  # one summary, not one per charge
    listed_runs = (await fees.client.get("/v1/billing-runs", params={"property_id": prop})).json()
    assert [r["id"] for r in listed_runs["items"]] == [run["id"]]


async def test_a_billing_run_refuses_bad_input_by_field(fees: RunningApp) -> None:
    prop = new_property()
    no_rate = await fees.client.post(
        "/v1/billing-runs", json={"property_id": prop, "period": "2026-11"}
    )
    assert no_rate.status_code == 422 and no_rate.json()["field"] == "period"
    for period in ("2026-13", "0000-01", "26-11"):
        bad = await fees.client.post(
            "/v1/billing-runs", json={"property_id": prop, "period": period}
        )
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "period"
    missing = await fees.client.get(f"/v1/billing-runs/{uuid.uuid4()}")
    assert missing.status_code == 404
    other = await fees.client.post(
        "/v1/billing-runs",
        json={"property_id": prop, "period": "2026-11"},
        headers={"Authorization": f"Bearer {fees_token(fees, ['p-elsewhere'])}"},
    )
    assert other.status_code == 403


def fees_token(fees: RunningApp, property_ids: list[str]) -> str:
    from propops.testing.fixtures import token_for

    return token_for(fees.settings, "fees", property_ids=property_ids)


async def test_an_interrupted_run_resumes_where_it_stopped_and_charges_no_unit_twice(
    fees: RunningApp,
) -> None:
    prop = new_property()
    units = await open_units(fees, prop, [f"{50 + i}.00" for i in range(25)])
    await add_rate(fees, prop, "850.00", "2026-01-01", basis="per_unit")
    # a unit charged by hand for the period before the run: the run leaves it alone
    manual = await fees.client.post(
        "/v1/charges",
        json={
            "unit_id": units[7],
            "kind": "management_fee",
            "amount": "850.00",
            "due_date": "2026-12-31",
            "period": "2026-12",
        },
    )
    assert manual.status_code == 201, manual.text
    db = fees.ctx.db
    async with db.sessions() as session:
        run, created = await runs.start_run(
            session, BillingRunIn(property_id=prop, period="2026-12"), ADMIN
        )
    assert created
    async with db.sessions() as session:  # two chunks of 10, then the worker "dies"
        assert await runs.step(session, run.id, chunk=10)
    async with db.sessions() as session:
        assert await runs.step(session, run.id, chunk=10)
    async with db.sessions() as session:
        half = await session.get(runs.BillingRun, run.id)
        assert half is not None and half.status == "running" and half.units_done == 20
    # the job picks up runs nobody moves (stall 0: at once), from the cursor
    assert await resume_stalled(db, stall_seconds=0, chunk=10) == 1
    assert await resume_stalled(db, stall_seconds=0, chunk=10) == 0  # nothing left
    done = (await fees.client.get(f"/v1/billing-runs/{run.id}")).json()
    assert done["status"] == "completed" and done["units_done"] == 25
    assert done["management_fee_count"] == 24 and done["units_skipped"] == 1
    charges = await charges_of(fees, property_id=prop, period="2026-12")
    assert sorted(c.unit_id for c in charges) == sorted(units)  # each unit exactly once
    assert done["total"] == str(Decimal("850.00") * 24)


async def test_totals_reconcile_after_a_run_with_concurrent_payments(fees: RunningApp) -> None:
    prop = new_property()
    units = await open_units(fees, prop, [f"{40 + i % 30}.25" for i in range(60)])
    await add_rate(fees, prop, "3.33", "2026-01-01")
    # some units pay ahead (credit the run's charges use at once)
    for unit in units[:3]:
        r = await fees.client.post(
            "/v1/payments", json={"unit_id": unit, "amount": "100.00", "method": "cash"}
        )
        assert r.status_code == 201
    start = await fees.client.post(
        "/v1/billing-runs", json={"property_id": prop, "period": "2027-01"}
    )
    assert start.status_code == 201

    async def pay(unit: str) -> None:
        r = await fees.client.post(
            "/v1/payments", json={"unit_id": unit, "amount": "55.55", "method": "bank_transfer"}
        )
        assert r.status_code == 201, r.text

    await asyncio.gather(*(pay(u) for u in units[::6]))  # while the run goes on

    async def completed() -> bool:
        r = await fees.client.get(f"/v1/billing-runs/{start.json()['id']}")
        return r.json()["status"] == "completed"

    await eventually(completed, what="the run completes")
    run = (await fees.client.get(f"/v1/billing-runs/{start.json()['id']}")).json()
    async with fees.ctx.db.sessions() as session:
        accounts = (await session.scalars(select(Account).where(Account.property_id == prop))).all()
        for account in accounts:
            charged = await session.scalar(
                select(func.coalesce(func.sum(Charge.amount), 0)).where(
                    Charge.account_id == account.id, Charge.status != "voided"
                )
            )
            paid = await session.scalar(
                select(func.coalesce(func.sum(Payment.amount), 0)).where(
                    Payment.account_id == account.id
                )
            )
            assert (
                Decimal(str(charged)).quantize(Decimal("0.01"))
                - Decimal(str(paid)).quantize(Decimal("0.01"))
                == account.balance
            ), account.unit_id
        run_charges = (
            await session.scalars(select(Charge.amount).where(Charge.billing_run_id == run["id"]))
        ).all()
    assert len(run_charges) == 60 == run["management_fee_count"]
    assert sum(run_charges, Decimal("0")) == Decimal(run["total"])
    # the credit paid the charge of a unit that paid ahead at once
    first = await charges_of(fees, unit_id=units[1], billing_run_id=run["id"])
    assert first[0].paid_amount == min(first[0].amount, Decimal("100.00"))


def contract(prop: str, verb_fields: dict[str, Any] | None = None, **over: Any) -> ContractChanged:
    fields: dict[str, Any] = {
        "contract_id": over.pop("contract_id", str(uuid.uuid4())),
        "reference": "LC-2026-00001",
        "property_id": prop,
        "space_id": "space-1",
        "space_code": "AD-01",
        "space_kind": "ad_space",
        "counterparty_name": "Bright Signs Ltd",
        "start_date": date(2026, 11, 16),
        "end_date": date(2027, 11, 15),
        "rent": Decimal("3000.00"),
        "billing_cycle": "monthly",
        "at": datetime(2026, 11, 1, 9, tzinfo=UTC),
    }
    fields.update(verb_fields or {})
    fields.update(over)
    return ContractChanged(**fields)


async def test_leases_are_charged_rent_in_the_runs_and_termination_cancels_later_rent(
    fees: RunningApp,
) -> None:
    prop = new_property()
    await open_units(fees, prop, ["50.00"])
    await add_rate(fees, prop, "2.00", "2026-01-01")
    signed = contract(prop)
    quarterly = contract(
        prop,
        billing_cycle="quarterly",
        rent=Decimal("9000.00"),
        start_date=date(2026, 10, 1),
        space_code="WH-02",
    )
    async with fees.ctx.db.sessions() as session:
        await apply_contract(session, signed, "signed")
        await apply_contract(session, signed, "signed")  # a replay changes nothing
        await apply_contract(session, quarterly, "signed")
        await session.commit()
    november = await run_to_end(fees, prop, "2026-11")
    december = await run_to_end(fees, prop, "2026-12")
    assert november["rent_count"] == 1 and november["rent_total"] == "1500.00"  # 15 of 30 days
    assert november["total"] == "1600.00"  # with the unit's 100.00
    assert december["rent_count"] == 1 and december["rent_total"] == "3000.00"
    rents = await charges_of(fees, unit_id=signed.contract_id)
    assert [(c.period, c.amount) for c in sorted(rents, key=lambda c: c.period or "")] == [
        ("2026-11", Decimal("1500.00")),
        ("2026-12", Decimal("3000.00")),
    ]
    # terminated on 30 November: December's rent (raised already) is voided
    terminated = contract(
        prop,
        contract_id=signed.contract_id,
        terminated_on=date(2026, 11, 30),
        at=datetime(2026, 11, 20, tzinfo=UTC),
    )
    async with fees.ctx.db.sessions() as session:
        await apply_contract(session, terminated, "terminated")
        await apply_contract(session, signed, "signed")  # older: changes nothing
        await session.commit()
    rents = {c.period: c for c in await charges_of(fees, unit_id=signed.contract_id)}
    assert rents["2026-11"].status == "open" and rents["2026-12"].status == "voided"
    january = await run_to_end(fees, prop, "2027-01")
    assert january["rent_count"] == 1  # only the quarterly lease (its January quarter)
    assert january["rent_total"] == "9000.00"
    accounts = (
        await fees.client.get("/v1/accounts", params={"property_id": prop, "holder": "contract"})
    ).json()
    # the quarterly lease starts in October, a month the property has no run for: its quarters
    # are charged in October, January, April, ..., so November's and December's runs charge it
    # nothing and January's one quarter (not two)
    assert {a["unit_id"]: a["balance"] for a in accounts["items"]} == {
        signed.contract_id: "1500.00",
        quarterly.contract_id: "9000.00",
    }


async def rents_of(fees: RunningApp, contract_id: str) -> list[tuple[str | None, Decimal, str]]:
    charges = await charges_of(fees, unit_id=contract_id, kind="rent")
    return sorted((c.period, c.amount, c.status) for c in charges)


async def test_a_lease_signed_after_the_months_run_is_charged_that_month_once(
    fees: RunningApp,
) -> None:
    prop = new_property()
    await open_units(fees, prop, ["50.00"])
    await add_rate(fees, prop, "2.00", "2026-01-01")
    november = await run_to_end(fees, prop, "2026-11")
    assert november["rent_count"] == 0
    # starts 1 November, signed on the 20th: November's run is over
    signed = contract(prop, start_date=date(2026, 11, 1), at=datetime(2026, 11, 20, tzinfo=UTC))
    quarterly = contract(
        prop,
        billing_cycle="quarterly",
        rent=Decimal("9000.00"),
        start_date=date(2026, 11, 1),
        space_code="WH-03",
        at=datetime(2026, 11, 20, tzinfo=UTC),
    )
    async with fees.ctx.db.sessions() as session:
        await apply_contract(session, signed, "signed")
        await apply_contract(session, quarterly, "signed")
        await session.commit()
    assert await rents_of(fees, signed.contract_id) == [("2026-11", Decimal("3000.00"), "open")]
    # the quarter from November (November to January) is not lost either
    assert await rents_of(fees, quarterly.contract_id) == [("2026-11", Decimal("9000.00"), "open")]
    (late,) = await charges_of(fees, unit_id=signed.contract_id)
    assert late.due_date >= date(2026, 11, 30)  # never due before the run's own charges
    # a replayed event, and the same event again in a new transaction (a restart): nothing more
    async with fees.ctx.db.sessions() as session:
        await apply_contract(session, signed, "signed")
        await apply_contract(session, quarterly, "signed")
        await session.commit()
    assert len(await rents_of(fees, signed.contract_id)) == 1
    assert len(await rents_of(fees, quarterly.contract_id)) == 1
    # the next runs charge the later periods and not November again
    december = await run_to_end(fees, prop, "2026-12")
    assert december["rent_count"] == 1 and december["rent_total"] == "3000.00"
    assert await rents_of(fees, signed.contract_id) == [
        ("2026-11", Decimal("3000.00"), "open"),
        ("2026-12", Decimal("3000.00"), "open"),
    ]
    assert len(await rents_of(fees, quarterly.contract_id)) == 1
    accounts = (
        await fees.client.get("/v1/accounts", params={"property_id": prop, "holder": "contract"})
    ).json()
    assert {a["unit_id"]: a["balance"] for a in accounts["items"]} == {
        signed.contract_id: "6000.00",
        quarterly.contract_id: "9000.00",
    }


async def test_a_renewal_does_not_raise_again_a_rent_voided_by_hand(fees: RunningApp) -> None:
    prop = new_property()
    await open_units(fees, prop, ["50.00"])
    await add_rate(fees, prop, "2.00", "2026-01-01")
    await run_to_end(fees, prop, "2026-11")
    signed = contract(prop, start_date=date(2026, 11, 1), at=datetime(2026, 11, 20, tzinfo=UTC))
    await learn(fees, signed, "signed")
    (late,) = await charges_of(fees, unit_id=signed.contract_id)
    r = await fees.client.post(f"/v1/charges/{late.id}/void", json={"reason": "rent-free month"})
    assert r.status_code == 200, r.text
    renewed = contract(
        prop,
        contract_id=signed.contract_id,
        start_date=date(2026, 11, 1),
        end_date=date(2028, 10, 31),
        at=datetime(2026, 11, 25, tzinfo=UTC),
    )
    await learn(fees, renewed, "renewed")
    assert await rents_of(fees, signed.contract_id) == [("2026-11", Decimal("3000.00"), "voided")]


@pytest.mark.parametrize("steps_before", [1, 2], ids=["before-its-rents", "after-its-rents"])
async def test_a_lease_learned_while_the_run_is_running_is_charged_once(
    fees: RunningApp, steps_before: int
) -> None:
    """The contract arrives while the period's run is between its unit accounts and its rents
    (the run then finds the rent raised), or after its rents (raised here): once either way."""
    prop = new_property()
    await open_units(fees, prop, ["50.00", "60.00"])
    await add_rate(fees, prop, "2.00", "2026-01-01")
    db = fees.ctx.db
    async with db.sessions() as session:
        run, _ = await runs.start_run(
            session, BillingRunIn(property_id=prop, period="2026-11"), ADMIN
        )
    for _ in range(steps_before):  # one chunk of units; then the rents
        async with db.sessions() as session:
            assert await runs.step(session, run.id, chunk=10)
    async with db.sessions() as session:
        phase = (await session.get(runs.BillingRun, run.id)).phase  # type: ignore[union-attr]
    assert phase == ("rent" if steps_before == 1 else "totals")
    signed = contract(prop, start_date=date(2026, 11, 1), at=datetime(2026, 11, 20, tzinfo=UTC))
    async with db.sessions() as session:
        await apply_contract(session, signed, "signed")
        await session.commit()
    await runs.process(db, run.id, chunk=10)
    done = (await fees.client.get(f"/v1/billing-runs/{run.id}")).json()
    assert done["status"] == "completed" and done["management_fee_count"] == 2
    assert await rents_of(fees, signed.contract_id) == [("2026-11", Decimal("3000.00"), "open")]
    assert done["rent_count"] == 0  # raised when the contract arrived, not by the run


def unit_in(prop: str, area: str | None) -> UnitRegistered:
    return UnitRegistered(
        unit_id=str(uuid.uuid4()),
        property_id=prop,
        property_code="HKA",
        building="B",
        number="101",
        area_m2=Decimal(area) if area is not None else None,
        time_zone="Asia/Hong_Kong",
    )


async def test_a_unit_registered_after_the_months_run_is_charged_that_month_once(
    fees: RunningApp,
) -> None:
    prop = new_property()
    await open_units(fees, prop, ["50.00"])
    await add_rate(fees, prop, "2.00", "2026-01-01")
    await run_to_end(fees, prop, "2026-11")
    late, bare, early = unit_in(prop, "40.00"), unit_in(prop, None), unit_in(prop, "30.00")
    async with fees.ctx.db.sessions() as session:
        for unit in (late, bare, early):
            account = await open_account_for_unit(session, unit)
            day = date(2026, 11, 20) if unit is not early else date(2026, 10, 20)
            await runs.charge_new_unit(session, account, today=day)
            await runs.charge_new_unit(session, account, today=day)  # a replay: nothing more
        await session.commit()
    (fee,) = await charges_of(fees, unit_id=late.unit_id)
    assert (fee.kind, fee.period, fee.amount) == ("management_fee", "2026-11", Decimal("80.00"))
    assert fee.due_date == date(2026, 11, 30)  # the run's
    assert await charges_of(fees, unit_id=bare.unit_id) == []  # no area: the run skips it too
    assert await charges_of(fees, unit_id=early.unit_id) == []  # October has no run: its run will
    december = await run_to_end(fees, prop, "2026-12")
    assert december["management_fee_count"] == 3  # the first unit, the late and the early one
    assert [c.period for c in await charges_of(fees, unit_id=late.unit_id)] == [
        "2026-11",
        "2026-12",
    ]


async def test_the_unit_registered_event_charges_a_unit_opened_after_the_run(
    fees: RunningApp,
) -> None:
    prop = new_property()
    await open_units(fees, prop, ["50.00"])
    await add_rate(fees, prop, "2.00", "2026-01-01")
    # this month's run and the next one's: the month may turn while the test runs
    this_month = today_in("Asia/Hong_Kong").replace(day=1)
    next_month = (this_month + timedelta(days=31)).replace(day=1)
    for month in (this_month, next_month):
        await run_to_end(fees, prop, month.strftime("%Y-%m"))
    unit = unit_in(prop, "40.00")
    event = new_event(unit, subject=unit.unit_id)
    for _ in range(2):  # the event and its redelivery
        async with fees.ctx.db.sessions() as session:
            await on_unit_registered(session, unit, event)
            await session.commit()
    (fee,) = await charges_of(fees, unit_id=unit.unit_id)
    assert fee.kind == "management_fee" and fee.amount == Decimal("80.00")
    assert fee.period in (this_month.strftime("%Y-%m"), next_month.strftime("%Y-%m"))


async def test_a_signed_venue_booking_is_charged_its_fee_once(fees: RunningApp) -> None:
    prop = new_property()
    booking = VenueBookingSigned(
        booking_id=str(uuid.uuid4()),
        reference="VB-2026-00004",
        property_id=prop,
        space_id="venue-1",
        space_code="HALL-1",
        organizer="Residents' choir",
        start=datetime(2026, 12, 5, 10, tzinfo=UTC),
        end=datetime(2026, 12, 5, 14, tzinfo=UTC),
        fee=Decimal("1200.00"),
        actor="leasing-clerk",
        at=datetime(2026, 11, 27, 2, tzinfo=UTC),
    )
    async with fees.ctx.db.sessions() as session:
        first = await charge_venue_fee(session, booking)
        await session.commit()
    async with fees.ctx.db.sessions() as session:
        second = await charge_venue_fee(session, booking)  # a replayed event
        await session.commit()
    assert first is not None and second is not None and first.id == second.id
    charges = await charges_of(fees, unit_id=booking.booking_id)
    assert len(charges) == 1
    fee = charges[0]
    assert (fee.kind, fee.amount, fee.due_date) == (
        "venue_fee",
        Decimal("1200.00"),
        date(2026, 11, 27),
    )
    assert fee.posted_by == "leasing-clerk"
    account = (
        await fees.client.get("/v1/accounts", params={"unit_id": booking.booking_id})
    ).json()["items"][0]
    assert account["holder"] == "booking" and account["balance"] == "1200.00"
    assert account["building"] == "HALL-1" and account["unit_number"] == "VB-2026-00004"


async def test_a_cancelled_booking_has_its_venue_fee_voided_once(fees: RunningApp) -> None:
    prop = new_property()
    signed = VenueBookingSigned(
        booking_id=str(uuid.uuid4()),
        reference="VB-2026-00005",
        property_id=prop,
        space_id="venue-1",
        space_code="HALL-1",
        organizer="Residents' choir",
        start=datetime(2026, 12, 5, 10, tzinfo=UTC),
        end=datetime(2026, 12, 5, 14, tzinfo=UTC),
        fee=Decimal("1200.00"),
        actor="leasing-clerk",
        at=datetime(2026, 11, 27, 2, tzinfo=UTC),
    )
    cancelled = VenueBookingCancelled(
        **signed.model_dump(exclude={"at"}),
        reason="typhoon",
        at=datetime(2026, 11, 28, 2, tzinfo=UTC),
    )
    async with fees.ctx.db.sessions() as session:
        await charge_venue_fee(session, signed)
        await session.commit()
    r = await fees.client.post(
        "/v1/payments",
        json={"unit_id": signed.booking_id, "amount": "1200.00", "method": "cash"},
    )
    assert r.status_code == 201, r.text
    for _ in range(2):  # the cancellation, then a replay of it
        async with fees.ctx.db.sessions() as session:
            await void_venue_fee(session, cancelled)
            await session.commit()
    [fee] = await charges_of(fees, unit_id=signed.booking_id)
    assert (fee.status, fee.void_reason) == ("voided", "venue booking cancelled: typhoon")
    account = (await fees.client.get("/v1/accounts", params={"unit_id": signed.booking_id})).json()[
        "items"
    ][0]
    assert account["balance"] == "-1200.00", account  # what was paid is the account's credit

    # out of order: the cancellation of another booking before its signing
    late = signed.model_copy(update={"booking_id": str(uuid.uuid4())})
    async with fees.ctx.db.sessions() as session:
        await void_venue_fee(session, cancelled.model_copy(update={"booking_id": late.booking_id}))
        await session.commit()
    async with fees.ctx.db.sessions() as session:
        await charge_venue_fee(session, late)  # the signing arrives after: nothing more
        await session.commit()
    [fee] = await charges_of(fees, unit_id=late.booking_id)
    assert fee.status == "voided"
    account = (await fees.client.get("/v1/accounts", params={"unit_id": late.booking_id})).json()
    assert account["items"][0]["balance"] == "0.00"


async def learn(fees: RunningApp, event: ContractChanged, verb: str) -> None:
    """Fees learns a lease's change, as its handler of the leasing event applies it."""
    async with fees.ctx.db.sessions() as session:
        await apply_contract(session, event, verb)
        await session.commit()


async def a_signed_monthly_lease(fees: RunningApp) -> tuple[str, ContractChanged]:
    """A property with a 50 m2 unit at 2.00/m2 and a signed monthly lease from 16 November."""
    prop = new_property()
    await open_units(fees, prop, ["50.00"])
    await add_rate(fees, prop, "2.00", "2026-01-01")
    monthly = contract(prop)
    await learn(fees, monthly, "signed")
    return prop, monthly


async def balances_of(fees: RunningApp, prop: str) -> dict[str, str]:
    accounts = (
        await fees.client.get("/v1/accounts", params={"property_id": prop, "holder": "contract"})
    ).json()
    return {a["unit_id"]: a["balance"] for a in accounts["items"]}


async def test_a_termination_after_the_run_prorates_the_period_it_falls_in(
    fees: RunningApp, start_service
) -> None:
    prop = new_property()
    await open_units(fees, prop, ["50.00"])
    await add_rate(fees, prop, "2.00", "2026-01-01")
    monthly = contract(prop)  # from 16 November, 3000.00 a month
    quarterly = contract(
        prop,
        billing_cycle="quarterly",
        rent=Decimal("9000.00"),
        start_date=date(2026, 11, 1),
        space_code="WH-02",
    )
    async with fees.ctx.db.sessions() as session:
        await apply_contract(session, monthly, "signed")
        await apply_contract(session, quarterly, "signed")
        await session.commit()
    await run_to_end(fees, prop, "2026-11")
    await run_to_end(fees, prop, "2026-12")
    assert await rents_of(fees, quarterly.contract_id) == [("2026-11", Decimal("9000.00"), "open")]
    # both end on 10 December, learned after December's run
    ended = {
        "terminated_on": date(2026, 12, 10),
        "at": datetime(2026, 12, 11, tzinfo=UTC),
    }
    terminated = [
        contract(prop, contract_id=monthly.contract_id, **ended),
        contract(
            prop,
            contract_id=quarterly.contract_id,
            billing_cycle="quarterly",
            rent=Decimal("9000.00"),
            start_date=date(2026, 11, 1),
            space_code="WH-02",
            **ended,
        ),
    ]
    async with fees.ctx.db.sessions() as session:
        for event in terminated:
            await apply_contract(session, event, "terminated")
        await session.commit()
    # December's rent becomes 10 of 31 days, as a run after the termination charges it
    expected_monthly = [
        ("2026-11", Decimal("1500.00"), "open"),
        ("2026-12", Decimal("967.74"), "open"),
        ("2026-12", Decimal("3000.00"), "voided"),
    ]
    # the quarter November-January (92 days) is charged its 40 days (1 Nov - 10 Dec)
    expected_quarterly = [
        ("2026-11", Decimal("3913.04"), "open"),
        ("2026-11", Decimal("9000.00"), "voided"),
    ]
    assert await rents_of(fees, monthly.contract_id) == expected_monthly
    assert await rents_of(fees, quarterly.contract_id) == expected_quarterly
    corrected = {
        c.period: c for c in await charges_of(fees, unit_id=monthly.contract_id, status="open")
    }
    assert corrected["2026-12"].due_date == date(2026, 12, 31)  # the run's due date, kept
    balances = {monthly.contract_id: "2467.74", quarterly.contract_id: "3913.04"}
    assert await balances_of(fees, prop) == balances

    # the event again (a replay), then after a restart of fees: nothing changes
    async with fees.ctx.db.sessions() as session:
        for event in terminated:
            await apply_contract(session, event, "terminated")
        await session.commit()
    await fees.stop()
    fees = await start_service(create_app, "fees", settings_cls=FeesSettings, billing_run_chunk=10)
    async with fees.ctx.db.sessions() as session:
        for event in terminated:
            await apply_contract(session, event, "terminated")
        await session.commit()
    assert await rents_of(fees, monthly.contract_id) == expected_monthly
    assert await rents_of(fees, quarterly.contract_id) == expected_quarterly
    assert await balances_of(fees, prop) == balances


async def test_a_termination_before_the_run_is_prorated_by_the_run_alike(
    fees: RunningApp,
) -> None:
    prop, monthly = await a_signed_monthly_lease(fees)
    await run_to_end(fees, prop, "2026-11")
    terminated = contract(
        prop,
        contract_id=monthly.contract_id,
        terminated_on=date(2026, 12, 10),
        at=datetime(2026, 11, 25, tzinfo=UTC),
    )
    await learn(fees, terminated, "terminated")
    december = await run_to_end(fees, prop, "2026-12")
    assert december["rent_total"] == "967.74"  # the same amount as a termination learned later
    assert await rents_of(fees, monthly.contract_id) == [
        ("2026-11", Decimal("1500.00"), "open"),
        ("2026-12", Decimal("967.74"), "open"),
    ]


async def test_a_paid_rent_is_left_as_it_is_when_the_lease_ends_in_its_period(
    fees: RunningApp,
) -> None:
    prop, monthly = await a_signed_monthly_lease(fees)
    await run_to_end(fees, prop, "2026-11")
    await run_to_end(fees, prop, "2026-12")
    r = await fees.client.post(
        "/v1/payments",
        json={"unit_id": monthly.contract_id, "amount": "4500.00", "method": "cash"},
    )
    assert r.status_code == 201, r.text
    terminated = contract(
        prop,
        contract_id=monthly.contract_id,
        terminated_on=date(2026, 12, 10),
        at=datetime(2026, 12, 11, tzinfo=UTC),
    )
    await learn(fees, terminated, "terminated")
    # fees has no credit line to give the difference back with: the paid rent stays, its
    # payment where it was
    assert await rents_of(fees, monthly.contract_id) == [
        ("2026-11", Decimal("1500.00"), "paid"),
        ("2026-12", Decimal("3000.00"), "paid"),
    ]
    assert await balances_of(fees, prop) == {monthly.contract_id: "0.00"}


async def test_a_lease_terminated_before_its_start_owes_the_rent_raised_for_it_no_more(
    fees: RunningApp,
) -> None:
    prop, monthly = await a_signed_monthly_lease(fees)  # from 16 November
    await run_to_end(fees, prop, "2026-11")
    terminated = contract(
        prop,
        contract_id=monthly.contract_id,
        terminated_on=date(2026, 11, 10),
        at=datetime(2026, 11, 20, tzinfo=UTC),
    )
    await learn(fees, terminated, "terminated")
    assert await rents_of(fees, monthly.contract_id) == [("2026-11", Decimal("1500.00"), "voided")]
    assert await balances_of(fees, prop) == {monthly.contract_id: "0.00"}
