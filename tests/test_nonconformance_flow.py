"""The nonconformance loop across services through the gateway, with the cleaning service
restarted in the middle: inspection -> failed item -> cleaning task -> completed -> check failed
-> task reopened -> completed -> check passed -> closed; each step exactly once, and each
step counted once in the day's review (``/api/views/daily-review``)."""

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
CL = "/api/cleaning/v1"


async def person(
    system: System, admin: httpx.AsyncClient, name: str, role: str, stack
) -> httpx.AsyncClient:
    r = await admin.post(
        "/api/users", json={"username": name, "password": f"{name}-password", "roles": [role]}
    )
    assert r.status_code == 201, r.text
    return await stack.enter_async_context(signed_in(system.gateway_url, name, f"{name}-password"))


async def ok(client: httpx.AsyncClient, path: str, body: dict | None = None) -> dict:
    r = await client.post(path, json=body or {})
    assert r.status_code in (200, 201), f"{path}: {r.status_code} {r.text}"
    return r.json()


async def nc_status(clerk: httpx.AsyncClient, nc_id: str, wanted: str) -> dict:
    async def check() -> dict | None:
        nc = (await clerk.get(f"{FD}/nonconformances/{nc_id}")).json()
        return nc if nc["status"] == wanted else None

    return await eventually(check, within=30, what=f"nonconformance {wanted}")


async def the_task(cleaner: httpx.AsyncClient, nc_id: str, wanted: tuple[str, ...]) -> dict:
    async def one() -> dict | None:
        r = await cleaner.get(f"{CL}/tasks", params={"source_id": nc_id})
        items = r.json()["items"]
        assert len(items) <= 1, f"two tasks for one nonconformance: {items}"
        return items[0] if items and items[0]["status"] in wanted else None

    return await eventually(one, within=60, what=f"cleaning task {wanted}")


async def test_nonconformance_loop_with_a_restart(make_system) -> None:
    system = make_system()
    await asyncio.to_thread(system.start)
    async with AsyncExitStack() as stack:
        admin = await stack.enter_async_context(signed_in(system.gateway_url))
        clerk = await person(system, admin, "clerk", "frontdesk", stack)
        cleaner = await person(system, admin, "cleaner", "cleaning", stack)
        prop = await ok(clerk, f"{FD}/properties", {"code": "HKNC", "name": "NC Estate"})
        r = await clerk.get(
            f"{FD}/inspection-templates",
            params={"property_id": prop["id"], "department": "greening"},
        )
        [greening] = r.json()["items"]

        # the cleaning service is down while the round is submitted
        await asyncio.to_thread(system.stop_service, "cleaning")
        rnd = await ok(
            clerk,
            f"{FD}/inspections",
            {"template_id": greening["id"], "property_id": prop["id"], "location": "Podium"},
        )
        await ok(
            clerk,
            f"{FD}/inspections/{rnd['id']}/results",
            {
                "items": [
                    {"code": "planting", "result": "pass"},
                    {"code": "maintenance", "result": "fail", "note": "weeds in the beds"},
                ]
            },
        )
        [nc_id] = (await ok(clerk, f"{FD}/inspections/{rnd['id']}/submit"))["nonconformance_ids"]
        await asyncio.to_thread(system.start_service, "cleaning")

        task = await the_task(cleaner, nc_id, ("open",))
        assert task["kind"] == "nonconformance"
        base = f"{CL}/tasks/{task['id']}"
        await ok(cleaner, f"{base}/assign", {"assignee": "cleaner"})
        await ok(cleaner, f"{base}/start")
        await ok(cleaner, f"{base}/complete", {"resolution_notes": "Weeded"})
        await nc_status(clerk, nc_id, "rectified")

        await ok(
            clerk, f"{FD}/nonconformances/{nc_id}/verify", {"passed": False, "note": "more weeds"}
        )
        task = await the_task(cleaner, nc_id, ("assigned",))  # reopened to its assignee
        assert task["reopen_count"] == 1
        await ok(cleaner, f"{base}/start")
        await ok(cleaner, f"{base}/complete", {"resolution_notes": "Weeded again, mulched"})
        await nc_status(clerk, nc_id, "rectified")
        closed = await ok(clerk, f"{FD}/nonconformances/{nc_id}/verify", {"passed": True})
        assert closed["status"] == "closed"
        assert [s["action"] for s in closed["history"]] == [
            "raised",
            "rectified",
            "verify_failed",
            "rectified",
            "closed",
        ]
        r = await cleaner.get(f"{CL}/tasks", params={"source_id": nc_id})
        assert r.json()["total"] == 1  # exactly one task across the restart

        # the supervisor's daily review counts each step of the day once
        r = await clerk.get(
            "/api/views/daily-review",
            params={"property_id": prop["id"], "date": today_in(prop["time_zone"]).isoformat()},
        )
        assert r.status_code == 200, r.text
        view = r.json()
        down = {u["service"] for u in view["unavailable"] if u["part"] != "attendance"}
        assert not down & {"frontdesk", "cleaning"}, view["unavailable"]
        [greening_day] = view["frontdesk"]["inspections"]
        assert greening_day == {
            "department": "greening",
            "inspections": 1,
            "raised": 1,
            "rectified": 1,  # twice, the one nonconformance
            "verified": 2,  # failed once, then passed
            "closed": 1,
            "open": 0,
        }
        tasks = {d["department"]: (d["opened"], d["completed"]) for d in view["departments"]}
        assert tasks["cleaning"] == (1, 1)
