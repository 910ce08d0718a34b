"""The first real flow, end to end through the gateway: a unit registered at the front desk gets
one fee account, also when fees is down meanwhile or NATS restarts in the middle."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from propops.testing.fixtures import eventually
from propops.testing.servers import EmbeddedNats

from system_harness import System, signed_in

pytestmark = pytest.mark.system


async def new_property(client: httpx.AsyncClient, code: str = "HKA") -> str:
    r = await client.post("/api/frontdesk/v1/properties", json={"code": code, "name": "Harbour"})
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def register(client: httpx.AsyncClient, property_id: str, numbers: range) -> list[str]:
    ids = []
    for n in numbers:
        r = await client.post(
            "/api/frontdesk/v1/units",
            json={
                "property_id": property_id,
                "building": "A",
                "number": f"{n:03d}",
                "floor": n // 10,
                "area_m2": "72.30",
            },
            headers={"Idempotency-Key": f"unit-{n}"},
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return ids


async def accounts(client: httpx.AsyncClient) -> list[dict]:
    items: list[dict] = []
    while True:
        r = await client.get("/api/fees/v1/accounts", params={"limit": 100, "offset": len(items)})
        assert r.status_code == 200, r.text
        page = r.json()
        items += page["items"]
        if len(items) >= page["total"]:
            return items


async def all_accounts_once(client: httpx.AsyncClient, unit_ids: list[str]) -> None:
    async def done() -> bool:
        found = [a["unit_id"] for a in await accounts(client)]
        assert len(found) == len(set(found)), "a unit has two accounts"
        return sorted(found) == sorted(unit_ids)

    await eventually(done, within=60, interval=0.2, what=f"{len(unit_ids)} accounts")


async def test_registered_unit_gets_an_account_in_fees(system: System, admin) -> None:
    prop = await new_property(admin)
    [unit_id] = await register(admin, prop, range(1))
    await all_accounts_once(admin, [unit_id])
    r = await admin.get("/api/fees/v1/accounts", params={"unit_id": unit_id})
    [account] = r.json()["items"]
    assert account["balance"] == "0.00" and account["unit_number"] == "000"
    r = await admin.get(f"/api/frontdesk/v1/units/{unit_id}")
    assert r.status_code == 200 and r.json()["area_m2"] == "72.30"


async def test_units_registered_while_fees_is_down_get_accounts_once_it_is_back(
    system: System,
    admin,
) -> None:
    prop = await new_property(admin)
    first = await register(admin, prop, range(3))
    await all_accounts_once(admin, first)
    system.stop_service("fees")
    r = await admin.get("/api/fees/v1/accounts")
    assert r.status_code == 502 and r.json()["service"] == "fees"
    during = await register(admin, prop, range(3, 13))
    await asyncio.to_thread(system.start_service, "fees")
    await all_accounts_once(admin, first + during)


async def test_nats_restart_in_the_middle_loses_and_duplicates_nothing(
    make_system,
    tmp_path,
) -> None:
    nats = EmbeddedNats(store=tmp_path / "own-nats").start()
    try:
        system = make_system(nats=nats.url)
        await asyncio.to_thread(system.start)
        async with signed_in(system.gateway_url) as admin:
            prop = await new_property(admin)
            before = await register(admin, prop, range(5))
            nats.stop()
            during = await register(admin, prop, range(5, 12))  # NATS is down: still accepted
            r = await admin.get("/api/health")
            assert r.status_code == 503 and r.json()["services"]["nats"] != "ok"
            await asyncio.to_thread(nats.start)
            after = await register(admin, prop, range(12, 15))
            await all_accounts_once(admin, before + during + after)
            r = await eventually(lambda: _healthy(admin), within=30, what="health ok again")
    finally:
        nats.stop()


async def _healthy(client: httpx.AsyncClient) -> bool:
    return (await client.get("/api/health")).status_code == 200
