"""Paid services and notices end to end through the gateway, with the consumer restarted in the
middle: an accepted paid service becomes exactly one engineering work order (engineering down
when it was accepted, and restarted again after); the work order's completion comes back to the
desk; the sign-off becomes exactly one charge in fees (fees down when it was signed, restarted
again after); a cancelled one cancels its work order. A published notice is public through the
gateway, with no token. One system for all of it."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from propops.testing.fixtures import eventually

from system_harness import System, signed_in

pytestmark = [pytest.mark.system, pytest.mark.timeout(600)]
FD = "/api/frontdesk/v1"
STAFF = {"clerk": ["frontdesk"], "tech": ["engineering"], "cashier": ["fees"]}


async def ok(response: httpx.Response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


async def staff(system: System, stack: AsyncExitStack) -> dict[str, httpx.AsyncClient]:
    admin = await stack.enter_async_context(signed_in(system.gateway_url))
    clients = {"admin": admin}
    for username, roles in STAFF.items():
        await ok(
            await admin.post(
                "/api/users",
                json={"username": username, "password": f"{username}-pw-123", "roles": roles},
            ),
            201,
        )
        clients[username] = await stack.enter_async_context(
            signed_in(system.gateway_url, username, f"{username}-pw-123")
        )
    return clients


async def office(clerk: httpx.AsyncClient, cashier: httpx.AsyncClient) -> dict[str, str]:
    prop = await ok(
        await clerk.post(f"{FD}/properties", json={"code": "PSE", "name": "Paid Estate"}), 201
    )
    unit = await ok(
        await clerk.post(
            f"{FD}/units", json={"property_id": prop["id"], "building": "T1", "number": "12A"}
        ),
        201,
    )
    party = await ok(
        await clerk.post(f"{FD}/parties", json={"name": "Mr Lam", "phone": "+85261234567"}), 201
    )
    await ok(
        await clerk.post(
            f"{FD}/occupancies",
            json={
                "unit_id": unit["id"],
                "party_id": party["id"],
                "role": "owner",
                "start_date": "2020-01-01",
            },
        ),
        201,
    )
    await ok(
        await clerk.post(
            f"{FD}/paid-service-items",
            json={
                "property_id": prop["id"],
                "code": "TAP",
                "name": "Replace a tap washer",
                "unit_price": "120.00",
            },
        ),
        201,
    )

    async def account() -> dict:
        r = await cashier.get("/api/fees/v1/accounts", params={"unit_id": unit["id"]})
        [found] = r.json()["items"]
        return found

    await eventually(account, within=30, what="the unit's fee account")
    return {"property": prop["id"], "unit": unit["id"], "party": party["id"]}


async def quote(clerk: httpx.AsyncClient, place: dict[str, str]) -> dict:
    return await ok(
        await clerk.post(
            f"{FD}/paid-services",
            json={
                "unit_id": place["unit"],
                "party_id": place["party"],
                "lines": [{"item_code": "TAP", "quantity": 2}],
                "notes": "Kitchen tap drips",
            },
        ),
        201,
    )


async def work_orders(tech: httpx.AsyncClient, paid_id: str) -> list[dict]:
    r = await tech.get("/api/engineering/v1/workorders", params={"limit": 200})
    return [w for w in (await ok(r))["items"] if w.get("source_id") == paid_id]


async def one_work_order(tech: httpx.AsyncClient, paid_id: str, status: str = "open") -> dict:
    async def check() -> dict:
        found = await work_orders(tech, paid_id)
        assert len(found) == 1
        assert found[0]["status"] == status and found[0]["kind"] == "paid_service"
        return found[0]

    return await eventually(check, within=30, what=f"one {status} work order for {paid_id}")


async def paid_status(clerk: httpx.AsyncClient, paid_id: str, status: str) -> dict:
    async def check() -> dict:
        paid = await ok(await clerk.get(f"{FD}/paid-services/{paid_id}"))
        assert paid["status"] == status, paid["status"]
        return paid

    return await eventually(check, within=30, what=f"paid service {status}")


async def restart(system: System, name: str) -> None:
    await asyncio.to_thread(system.stop_service, name)
    await asyncio.to_thread(system.start_service, name)


async def test_paid_service_exactly_once_across_restarts_and_public_notices(
    system: System,
) -> None:
    async with AsyncExitStack() as stack:
        c = await staff(system, stack)
        clerk, tech, cashier = c["clerk"], c["tech"], c["cashier"]
        place = await office(clerk, cashier)

        # --- accepted while engineering is down: one work order once it is back, and still
        # one after another restart (the event is not taken twice)
        paid = await quote(clerk, place)
        assert paid["total"] == "240.00"
        await asyncio.to_thread(system.stop_service, "engineering")
        await ok(await clerk.post(f"{FD}/paid-services/{paid['id']}/accept"))
        await asyncio.to_thread(system.start_service, "engineering")
        order = await one_work_order(tech, paid["id"])
        assert "Replace a tap washer" in order["description"]
        await restart(system, "engineering")
        assert len(await work_orders(tech, paid["id"])) == 1

        # the desk learns the work order's reference
        async def referenced() -> bool:
            got = await ok(await clerk.get(f"{FD}/paid-services/{paid['id']}"))
            return got["work_order_reference"] == order["reference"]

        await eventually(referenced, within=30, what="the work order's reference at the desk")

        # --- the technician does the work; its completion comes back to the desk
        wo = f"/api/engineering/v1/workorders/{order['id']}"
        await ok(await tech.post(f"{wo}/assign", json={"assignee": "tech"}))
        await ok(await tech.post(f"{wo}/start"))
        await ok(await tech.post(f"{wo}/complete", json={"resolution_notes": "washer replaced"}))
        done = await paid_status(clerk, paid["id"], "completed")
        assert done["completion_notes"] == "washer replaced"

        # --- signed off while fees is down: one charge once it is back, still one after
        await asyncio.to_thread(system.stop_service, "fees")
        await ok(
            await clerk.post(
                f"{FD}/paid-services/{paid['id']}/sign-off",
                json={"signed_by_party_id": place["party"], "satisfied": True},
            )
        )
        await asyncio.to_thread(system.start_service, "fees")

        async def charges() -> list[dict]:
            r = await cashier.get(
                "/api/fees/v1/charges", params={"unit_id": place["unit"], "kind": "paid_service"}
            )
            found = (await ok(r))["items"]
            assert found
            return found

        [charge] = await eventually(charges, within=30, what="the paid service's charge")
        assert charge["amount"] == "240.00" and charge["description"].startswith(paid["reference"])
        await restart(system, "fees")
        assert len(await charges()) == 1
        r = await clerk.get(f"{FD}/callbacks", params={"paid_service_id": paid["id"]})
        assert [cb["status"] for cb in (await ok(r))["items"]] == ["due"]

        # --- cancelled after acceptance: its work order is cancelled by event
        other = await quote(clerk, place)
        await ok(await clerk.post(f"{FD}/paid-services/{other['id']}/accept"))
        other_order = await one_work_order(tech, other["id"])

        # the desk records the work order's reference by event (a new version): cancel after
        # it, as the clerk would after seeing it (cancelling in the same instant, without an
        # If-Match, is a 409 "changed meanwhile", as any race lost without a version)
        async def other_referenced() -> bool:
            got = await ok(await clerk.get(f"{FD}/paid-services/{other['id']}"))
            return got["work_order_reference"] == other_order["reference"]

        await eventually(other_referenced, within=30, what="the second work order's reference")
        await ok(
            await clerk.post(
                f"{FD}/paid-services/{other['id']}/cancel", json={"reason": "resident away"}
            )
        )
        await one_work_order(tech, other["id"], status="cancelled")

        # --- a published notice is public through the gateway, no token
        now = datetime.now(UTC)
        notice = await ok(
            await clerk.post(
                f"{FD}/notices",
                json={
                    "property_id": place["property"],
                    "category": "lift_maintenance",
                    "title": {"zh_hant": "電梯保養", "en": "Lift maintenance"},
                    "body": {"zh_hant": "T1座電梯暫停。", "en": "Tower 1 lift out of service."},
                    "publish_from": (now - timedelta(minutes=5)).isoformat(),
                    "publish_until": (now + timedelta(days=1)).isoformat(),
                },
            ),
            201,
        )
        await ok(await clerk.post(f"{FD}/notices/{notice['id']}/publish"))
        async with httpx.AsyncClient(base_url=system.gateway_url, timeout=30) as resident:
            r = await resident.get(
                "/api/frontdesk/public/v1/notices", params={"jurisdiction_id": "PSE"}
            )
            assert [n["id"] for n in (await ok(r))["notices"]] == [notice["id"]]
            r = await resident.get(f"{FD}/notices")
            assert r.status_code == 401  # the desk's list still needs a token
