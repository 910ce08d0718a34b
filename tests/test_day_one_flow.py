"""Day one through the gateway, as the clerk, the technician and the manager meet it: reference
numbers, the work order that says where to go and who to call, the callback item, the phone
masked for who does not dial it, the register corrected with If-Match, the payment status of a
new unit, and a charge billed twice then voided."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import httpx
import pytest

from propops.testing.fixtures import eventually
from propops.timezones import today_in

from system_harness import System, signed_in

pytestmark = pytest.mark.system

FD = "/api/frontdesk/v1"
STAFF = {"clerk": ["frontdesk"], "tech": ["engineering"], "boss": ["manager"]}


async def staff(system: System, stack: AsyncExitStack) -> dict[str, httpx.AsyncClient]:
    clients = {"admin": await stack.enter_async_context(signed_in(system.gateway_url))}
    for username, roles in STAFF.items():
        r = await clients["admin"].post(
            "/api/users",
            json={"username": username, "password": f"{username}-password", "roles": roles},
        )
        assert r.status_code == 201, r.text
        clients[username] = await stack.enter_async_context(
            signed_in(system.gateway_url, username, f"{username}-password")
        )
    return clients


async def ok(response: httpx.Response, status: int = 200) -> dict:
    r = response
    assert r.status_code == status, f"{r.request.method} {r.request.url}: {r.status_code} {r.text}"
    return r.json()


async def test_day_one_through_the_gateway(make_system) -> None:
    system = make_system()
    await asyncio.to_thread(system.start)
    async with AsyncExitStack() as stack:
        who = await staff(system, stack)
        admin, clerk, tech, boss = who["admin"], who["clerk"], who["tech"], who["boss"]

        # the register, corrected with If-Match
        prop = await ok(
            await clerk.post(f"{FD}/properties", json={"code": "DAY1", "name": "Day One Court"}),
            201,
        )
        assert prop["time_zone"] == "Asia/Hong_Kong"  # the default setting
        stale = await clerk.patch(
            f"{FD}/properties/{prop['id']}",
            json={"time_zone": "Asia/Tokyo"},
            headers={"If-Match": '"7"'},
        )
        assert stale.status_code == 412, stale.text
        prop = await ok(
            await clerk.patch(
                f"{FD}/properties/{prop['id']}",
                json={"time_zone": "Asia/Tokyo"},
                headers={"If-Match": '"1"'},
            )
        )
        unit = await ok(
            await clerk.post(
                f"{FD}/units",
                json={"property_id": prop["id"], "building": "T1", "number": "8A", "floor": 8},
            ),
            201,
        )
        party = await ok(
            await clerk.post(f"{FD}/parties", json={"name": "Mr Lam", "phone": "+85261234567"}),
            201,
        )

        # a new unit's payment status is "current" once fees has opened its account
        async def current() -> dict | None:
            detail = (await clerk.get(f"{FD}/units/{unit['id']}")).json()
            return detail if detail["payment_status"]["status"] == "current" else None

        await eventually(current, within=30, what="payment status current")

        # a complaint with a reference, dispatched to engineering
        complaint = await ok(
            await clerk.post(
                f"{FD}/complaints",
                json={
                    "property_id": prop["id"],
                    "unit_id": unit["id"],
                    "party_id": party["id"],
                    "channel": "walk_in",
                    "description": "No hot water since this morning",
                    "location": "kitchen",
                },
            ),
            201,
        )
        year = today_in("Asia/Tokyo").year
        assert complaint["reference"] == f"C-{year}-00001"
        cid = complaint["id"]
        for action, body in (
            ("classify", {"nature": "communication", "kind": "help", "department": "engineering"}),
            ("confirm-identity", {"party_id": party["id"], "document_checked": True}),
            ("dispatch", {}),
        ):
            await ok(await clerk.post(f"{FD}/complaints/{cid}/{action}", json=body))
        found = await ok(
            await clerk.get(f"{FD}/complaints", params={"reference": f"C-{year}-00001"})
        )
        assert [c["id"] for c in found["items"]] == [cid]

        async def work_order() -> dict | None:
            r = await tech.get("/api/engineering/v1/workorders", params={"complaint_id": cid})
            items = r.json()["items"]
            return items[0] if items else None

        wo = await eventually(work_order, within=30, what="work order")
        assert (
            wo["reference"] == f"W-{year}-00001" and wo["complaint_reference"] == f"C-{year}-00001"
        )
        assert (wo["property_name"], wo["building"], wo["unit_number"], wo["floor"]) == (
            "Day One Court",
            "T1",
            "8A",
            8,
        )
        assert wo["location"] == "kitchen"
        assert (wo["contact_name"], wo["contact_phone"]) == ("Mr Lam", "+85261234567")

        # the complaint's timeline names the work order by its reference
        async def task_step() -> dict | None:
            detail = (await clerk.get(f"{FD}/complaints/{cid}")).json()
            steps = [s for s in detail["timeline"] if s["action"] == "task_created"]
            return steps[0] if steps else None

        step = await eventually(task_step, within=30, what="task_created step")
        assert step["details"]["task_reference"] == wo["reference"]
        base = f"/api/engineering/v1/workorders/{wo['id']}"
        await ok(await tech.post(f"{base}/assign", json={"assignee": "tech"}))
        await ok(await tech.post(f"{base}/start"))
        await ok(await tech.post(f"{base}/complete", json={"resolution_notes": "Reset boiler"}))

        # the callback item: who to call and about what
        async def callback() -> dict | None:
            r = await clerk.get(f"{FD}/callbacks", params={"complaint_id": cid, "status": "due"})
            items = r.json()["items"]
            return items[0] if items else None

        item = await eventually(callback, within=30, what="callback item")
        assert item["complaint_reference"] == f"C-{year}-00001"
        assert item["summary"] == "No hot water since this morning"
        assert (item["complainant_name"], item["complainant_phone"]) == ("Mr Lam", "+85261234567")

        # a phone call: in full for the clerk who dials it, masked for the manager
        call = await ok(
            await clerk.post(
                f"{FD}/calls",
                json={
                    "property_id": prop["id"],
                    "caller_name": "Mrs Ho",
                    "phone": "+85298765432",
                    "summary": "Asks about the water",
                    "answered_on_call": False,
                },
            ),
            201,
        )
        assert (await ok(await clerk.get(f"{FD}/calls/{call['id']}")))["phone"] == "+85298765432"
        assert (await ok(await boss.get(f"{FD}/calls/{call['id']}")))["phone"] == "********5432"
        await ok(await clerk.post(f"{FD}/calls/{call['id']}/complaint", json={}), 201)
        assert (await ok(await clerk.get(f"{FD}/calls/{call['id']}")))["status"] == "complaint"

        # money: the same month billed twice is refused; a wrong charge is voided
        fee = {
            "unit_id": unit["id"],
            "kind": "management_fee",
            "amount": "1500.00",
            "due_date": f"{year}-12-31",
            "period": f"{year}-12",
        }
        first = await ok(await admin.post("/api/fees/v1/charges", json=fee), 201)
        dup = await admin.post("/api/fees/v1/charges", json=fee)
        assert dup.status_code == 409 and dup.json()["charge_id"] == first["id"], dup.text
        voided = await ok(
            await admin.post(
                f"/api/fees/v1/charges/{first['id']}/void", json={"reason": "wrong amount"}
            )
        )
        assert voided["status"] == "voided" and voided["voided_by"] == "admin"
        account = (await admin.get("/api/fees/v1/accounts", params={"unit_id": unit["id"]})).json()
        assert account["items"][0]["balance"] == "0.00"
        await ok(await admin.post("/api/fees/v1/charges", json=fee), 201)
