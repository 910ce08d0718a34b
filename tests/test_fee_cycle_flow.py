"""The fee cycle across services, through the gateway, with fees restarted in the middle: a
signed lease gets its rent in the month's billing run and a signed venue booking its venue fee,
each exactly once, although leasing's events arrive while fees is down and one of them is
published twice.

Leasing's contract and booking routes are not on main yet, so the test publishes leasing's
events itself, into leasing's stream, exactly as leasing's outbox relay would (the catalog's
types and payloads, one CloudEvent each)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import nats
import pytest
from pydantic import BaseModel

from propops.events.catalog import subject_for
from propops.events.envelope import new_event
from propops.events.payloads import ContractChanged, VenueBookingSigned
from propops.testing.fixtures import eventually

from system_harness import System

pytestmark = pytest.mark.system


async def publish_as_leasing(
    system: System, payload: BaseModel, event_type: str | None = None
) -> None:
    """One event into leasing's stream (a new message id each time: a re-publication)."""
    event = new_event(payload, event_type=event_type)
    nc = await nats.connect(system.nats_url)
    try:
        await nc.jetstream().publish(
            subject_for(event.type, system.namespace),
            event.to_json(),
            headers={"Nats-Msg-Id": event.id},
        )
    finally:
        await nc.close()


async def get(client: httpx.AsyncClient, path: str, **params: str) -> dict:
    r = await client.get(path, params=params)
    assert r.status_code == 200, r.text
    return r.json()


async def test_rent_and_venue_fee_are_charged_once_across_a_restart_of_fees(
    system: System, admin: httpx.AsyncClient
) -> None:
    r = await admin.post("/api/frontdesk/v1/properties", json={"code": "HKF", "name": "Harbour"})
    assert r.status_code == 201, r.text
    prop = r.json()["id"]
    r = await admin.post(
        "/api/frontdesk/v1/units",
        json={"property_id": prop, "building": "A", "number": "101", "area_m2": "80.50"},
    )
    assert r.status_code == 201, r.text
    unit_id = r.json()["id"]

    async def unit_account() -> bool:
        page = await get(admin, "/api/fees/v1/accounts", unit_id=unit_id)
        return page["total"] == 1

    await eventually(unit_account, within=60, interval=0.2, what="the unit's account")
    r = await admin.post(
        "/api/fees/v1/fee-rates",
        json={
            "property_id": prop,
            "basis": "per_m2",
            "amount": "3.25",
            "effective_from": "2026-01-01",
        },
    )
    assert r.status_code == 201, r.text

    lease = ContractChanged(
        contract_id=str(uuid.uuid4()),
        reference="LC-2026-00001",
        property_id=prop,
        space_id=str(uuid.uuid4()),
        space_code="AD-01",
        space_kind="ad_space",
        counterparty_name="Bright Signs Ltd",
        start_date=date(2026, 11, 1),
        end_date=date(2027, 10, 31),
        rent=Decimal("4800.00"),
        billing_cycle="monthly",
        actor="leasing-clerk",
        at=datetime(2026, 10, 28, 3, tzinfo=UTC),
    )
    booking = VenueBookingSigned(
        booking_id=str(uuid.uuid4()),
        reference="VB-2026-00001",
        property_id=prop,
        space_id=str(uuid.uuid4()),
        space_code="HALL-1",
        organizer="Residents' choir",
        start=datetime(2026, 12, 5, 2, tzinfo=UTC),
        end=datetime(2026, 12, 5, 6, tzinfo=UTC),
        fee=Decimal("1200.00"),
        actor="leasing-clerk",
        at=datetime(2026, 11, 20, 3, tzinfo=UTC),
    )

    await asyncio.to_thread(system.stop_service, "fees")
    await publish_as_leasing(system, lease, "propops.leasing.contract.signed.v1")
    await publish_as_leasing(system, booking)
    await publish_as_leasing(system, booking)  # published twice: one fee still
    await asyncio.to_thread(system.start_service, "fees")

    async def venue_fee() -> dict | None:
        page = await get(admin, "/api/fees/v1/charges", unit_id=booking.booking_id)
        return page if page["total"] >= 1 else None

    fees = await eventually(venue_fee, within=60, interval=0.2, what="the venue fee")
    assert [(c["kind"], c["amount"]) for c in fees["items"]] == [("venue_fee", "1200.00")]

    async def lease_account() -> bool:
        page = await get(admin, "/api/fees/v1/accounts", unit_id=lease.contract_id)
        return page["total"] == 1

    await eventually(lease_account, within=60, interval=0.2, what="the lease's account")

    r = await admin.post(
        "/api/fees/v1/billing-runs", json={"property_id": prop, "period": "2026-11"}
    )
    assert r.status_code == 201, r.text
    run_id = r.json()["id"]

    async def completed() -> dict | None:
        run = await get(admin, f"/api/fees/v1/billing-runs/{run_id}")
        return run if run["status"] == "completed" else None

    run = await eventually(completed, within=60, interval=0.2, what="the billing run")
    assert (run["management_fee_count"], run["management_fee_total"]) == (1, "261.63")
    assert (run["rent_count"], run["rent_total"]) == (1, "4800.00")
    assert run["total"] == "5061.63"

    # fees restarts again; the events stay in the stream and the run is asked for again
    await asyncio.to_thread(system.stop_service, "fees")
    await asyncio.to_thread(system.start_service, "fees")
    r = await admin.post(
        "/api/fees/v1/billing-runs", json={"property_id": prop, "period": "2026-11"}
    )
    assert r.status_code == 200 and r.json()["id"] == run_id
    await publish_as_leasing(system, booking)  # and leasing re-publishes once more
    await publish_as_leasing(system, lease, "propops.leasing.contract.signed.v1")

    # a last booking after them: once its fee is there, fees has read the stream past them
    marker = booking.model_copy(update={"booking_id": str(uuid.uuid4()), "fee": Decimal("1.00")})
    await publish_as_leasing(system, marker)

    async def marker_fee() -> bool:
        page = await get(admin, "/api/fees/v1/charges", unit_id=marker.booking_id)
        return page["total"] == 1

    await eventually(marker_fee, within=60, interval=0.2, what="the events after the restart")
    rents = await get(admin, "/api/fees/v1/charges", unit_id=lease.contract_id)
    assert [(c["kind"], c["period"], c["amount"]) for c in rents["items"]] == [
        ("rent", "2026-11", "4800.00")
    ]
    venue = await get(admin, "/api/fees/v1/charges", unit_id=booking.booking_id)
    assert venue["total"] == 1
    unit = await get(admin, "/api/fees/v1/accounts", unit_id=unit_id)
    assert unit["items"][0]["balance"] == "261.63"
