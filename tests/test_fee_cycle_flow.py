"""The fee cycle across services, through the gateway, driving the real leasing service: a lease
signed at leasing gets its rent in the month's billing run, a signed venue booking its venue fee,
and a signed booking cancelled before its start has that fee voided, each exactly once, although
fees is down while leasing signs, NATS restarts while leasing signs and cancels (leasing's outbox
holds the events), and fees restarts again after the run."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from propops.testing.fixtures import eventually
from propops.testing.servers import EmbeddedNats

from system_harness import System, signed_in

pytestmark = pytest.mark.system


async def get(client: httpx.AsyncClient, path: str, **params: str) -> dict:
    r = await client.get(path, params=params)
    assert r.status_code == 200, r.text
    return r.json()


async def post(client: httpx.AsyncClient, path: str, body: dict[str, Any], status: int) -> dict:
    r = await client.post(path, json=body)
    assert r.status_code == status, r.text
    return r.json()


async def charges(client: httpx.AsyncClient, holder_id: str) -> list[dict]:
    return (await get(client, "/api/fees/v1/charges", unit_id=holder_id))["items"]


def hours_ahead(days: int, hours: int) -> str:
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    return (start + timedelta(days=days, hours=hours)).isoformat()


async def test_rent_and_venue_fees_are_charged_once_across_restarts_of_fees_and_nats(
    make_system, tmp_path: Path
) -> None:
    nats = EmbeddedNats(store=tmp_path / "own-nats").start()
    try:
        system: System = make_system(nats=nats.url)
        await asyncio.to_thread(system.start)
        async with signed_in(system.gateway_url) as admin:
            await fee_cycle(system, nats, admin)
    finally:
        nats.stop()


async def fee_cycle(system: System, nats: EmbeddedNats, admin: httpx.AsyncClient) -> None:
    prop = (
        await post(admin, "/api/frontdesk/v1/properties", {"code": "HKF", "name": "Harbour"}, 201)
    )["id"]
    unit = {"property_id": prop, "building": "A", "number": "101", "area_m2": "80.50"}
    unit_id = (await post(admin, "/api/frontdesk/v1/units", unit, 201))["id"]

    async def unit_account() -> bool:
        return (await get(admin, "/api/fees/v1/accounts", unit_id=unit_id))["total"] == 1

    await eventually(unit_account, within=60, interval=0.2, what="the unit's account")
    rate = {
        "property_id": prop,
        "basis": "per_m2",
        "amount": "3.25",
        "effective_from": "2026-01-01",
    }
    await post(admin, "/api/fees/v1/fee-rates", rate, 201)

    leasing = "/api/leasing/v1"
    ad = await post(
        admin,
        f"{leasing}/spaces",
        {"property_id": prop, "kind": "ad_space", "code": "AD-01", "name": "Lobby light box",
         "location": "Lobby, east wall"},
        201,
    )  # fmt: skip
    hall = await post(
        admin,
        f"{leasing}/spaces",
        {"property_id": prop, "kind": "venue", "code": "HALL-1", "name": "Club house",
         "location": "Podium, 2/F"},
        201,
    )  # fmt: skip
    lease = await post(
        admin,
        f"{leasing}/contracts",
        {"space_id": ad["id"], "counterparty": {"name": "Bright Signs Ltd", "phone": "2345 6789"},
         "start_date": "2026-11-01", "end_date": "2027-10-31", "rent": "4800.00",
         "billing_cycle": "monthly"},
        201,
    )  # fmt: skip

    def booking(day: int, fee: str) -> dict[str, Any]:
        return {"space_id": hall["id"], "start": hours_ahead(day, 2),
                "end": hours_ahead(day, 6), "organizer": "Residents' choir",
                "purpose": "Rehearsal", "fee": fee}  # fmt: skip

    choir = await post(admin, f"{leasing}/venue-bookings", booking(8, "1200.00"), 201)
    called_off = await post(admin, f"{leasing}/venue-bookings", booking(9, "300.00"), 201)

    # fees is down while leasing signs; then NATS is down while leasing signs and cancels
    await asyncio.to_thread(system.stop_service, "fees")
    await post(admin, f"{leasing}/contracts/{lease['id']}/sign", {}, 200)
    await post(admin, f"{leasing}/venue-bookings/{choir['id']}/sign", {}, 200)
    nats.stop()
    await post(admin, f"{leasing}/venue-bookings/{called_off['id']}/sign", {}, 200)
    await post(
        admin, f"{leasing}/venue-bookings/{called_off['id']}/cancel", {"reason": "Typhoon"}, 200
    )
    await asyncio.to_thread(nats.start)
    await asyncio.to_thread(system.start_service, "fees")

    async def voided() -> list[dict] | None:
        fees = await charges(admin, called_off["id"])
        return fees if fees and fees[0]["status"] == "voided" else None

    [fee] = await eventually(voided, within=90, interval=0.3, what="the voided venue fee")
    assert (fee["kind"], fee["amount"]) == ("venue_fee", "300.00")
    assert [(c["kind"], c["amount"], c["status"]) for c in await charges(admin, choir["id"])] == [
        ("venue_fee", "1200.00", "open")
    ]

    async def lease_account() -> bool:
        return (await get(admin, "/api/fees/v1/accounts", unit_id=lease["id"]))["total"] == 1

    await eventually(lease_account, within=60, interval=0.2, what="the lease's account")
    run = await post(
        admin, "/api/fees/v1/billing-runs", {"property_id": prop, "period": "2026-11"}, 201
    )

    async def completed() -> dict | None:
        got = await get(admin, f"/api/fees/v1/billing-runs/{run['id']}")
        return got if got["status"] == "completed" else None

    run = await eventually(completed, within=60, interval=0.2, what="the billing run")
    assert (run["management_fee_count"], run["management_fee_total"]) == (1, "261.63")
    assert (run["rent_count"], run["rent_total"]) == (1, "4800.00")
    assert run["total"] == "5061.63"

    # fees restarts again and the run is asked for again: the same run, nothing raised twice
    await asyncio.to_thread(system.stop_service, "fees")
    await asyncio.to_thread(system.start_service, "fees")
    again = await admin.post(
        "/api/fees/v1/billing-runs", json={"property_id": prop, "period": "2026-11"}
    )
    assert again.status_code == 200 and again.json()["id"] == run["id"], again.text

    # a last booking signed after all this: once its fee is there, fees has read past the rest
    marker = await post(admin, f"{leasing}/venue-bookings", booking(10, "1.00"), 201)
    await post(admin, f"{leasing}/venue-bookings/{marker['id']}/sign", {}, 200)

    async def marker_fee() -> bool:
        return len(await charges(admin, marker["id"])) == 1

    await eventually(marker_fee, within=60, interval=0.2, what="the events after the restart")
    assert [(c["kind"], c["period"], c["amount"]) for c in await charges(admin, lease["id"])] == [
        ("rent", "2026-11", "4800.00")
    ]
    assert len(await charges(admin, choir["id"])) == 1
    assert [c["status"] for c in await charges(admin, called_off["id"])] == ["voided"]
    balances = {
        holder: (await get(admin, "/api/fees/v1/accounts", unit_id=holder))["items"][0]["balance"]
        for holder in (unit_id, lease["id"], choir["id"], called_off["id"])
    }
    assert balances == {
        unit_id: "261.63",
        lease["id"]: "4800.00",
        choir["id"]: "1200.00",
        called_off["id"]: "0.00",
    }
    # and a cancelled booking is not checked in
    r = await admin.post(f"{leasing}/venue-bookings/{called_off['id']}/check-in", json={})
    assert r.status_code == 409, r.text
