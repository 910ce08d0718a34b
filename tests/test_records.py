"""Records that change safely, across services and through the gateway: two clerks re-routing
one dispatched complaint at once leave exactly one live department task, and a wrong state (409)
and a failed precondition (412) carry the same members at the front desk, at a department's
tasks and at the gateway's users."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from propops.testing.fixtures import eventually

from system_harness import System, signed_in

pytestmark = [pytest.mark.system, pytest.mark.also_on_postgres]

FD = "/api/frontdesk/v1"
DEPARTMENT_TASKS = {"engineering": "workorders", "cleaning": "tasks", "security": "tasks"}
WRONG_STATE = {"current_state", "action", "allowed_from"}
STALE = {"current_version", "expected_version"}


async def live_tasks(admin: httpx.AsyncClient, department: str, cid: str) -> list[dict]:
    path = DEPARTMENT_TASKS[department]
    r = await admin.get(f"/api/{department}/v1/{path}", params={"complaint_id": cid})
    assert r.status_code == 200, r.text
    return [t for t in r.json()["items"] if t["status"] != "cancelled"]


async def dispatched_to_engineering(admin: httpx.AsyncClient, property_id: str) -> str:
    r = await admin.post(
        f"{FD}/complaints",
        json={"property_id": property_id, "channel": "walk_in", "description": "Pipe burst"},
    )
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    r = await admin.post(
        f"{FD}/complaints/{cid}/classify", json={"nature": "valid", "department": "engineering"}
    )
    assert r.status_code == 200, r.text
    assert (await admin.post(f"{FD}/complaints/{cid}/dispatch")).status_code == 200
    return cid


async def test_concurrent_reroutes_leave_one_live_task_and_problems_match(make_system) -> None:
    system: System = make_system()
    await asyncio.to_thread(system.start)
    async with signed_in(system.gateway_url) as admin:
        prop = (await admin.post(f"{FD}/properties", json={"code": "REC", "name": "R"})).json()
        ids = [await dispatched_to_engineering(admin, prop["id"]) for _ in range(5)]
        for cid in ids:

            async def engineering_task(cid: str = cid) -> list[dict] | None:
                return await live_tasks(admin, "engineering", cid) or None

            await eventually(engineering_task, within=30, what="the engineering work order")

        # two clerks re-route each complaint at once, from the same version they read
        winners: dict[str, str] = {}
        for cid in ids:
            tag = (await admin.get(f"{FD}/complaints/{cid}")).headers["etag"]
            answers = await asyncio.gather(
                *(
                    admin.post(
                        f"{FD}/complaints/{cid}/classify",
                        json={"nature": "valid", "department": department},
                        headers={"If-Match": tag},
                    )
                    for department in ("cleaning", "security")
                )
            )
            assert sorted(r.status_code for r in answers) == [200, 412], [r.text for r in answers]
            [won] = [r for r in answers if r.status_code == 200]
            winners[cid] = won.json()["department"]

        for cid, department in winners.items():
            loser = "security" if department == "cleaning" else "cleaning"

            async def settled(cid: str = cid, department: str = department) -> bool:
                complaint = (await admin.get(f"{FD}/complaints/{cid}")).json()
                return (
                    len(await live_tasks(admin, department, cid)) == 1
                    and not await live_tasks(admin, "engineering", cid)
                    and complaint["task_id"] is not None
                )

            await eventually(settled, within=30, what=f"one {department} task for {cid}")
            assert await live_tasks(admin, loser, cid) == []

        # the same members for a wrong state and a failed precondition in every service
        fresh = await admin.post(
            f"{FD}/complaints",
            json={"property_id": prop["id"], "channel": "phone", "description": "Noise"},
        )
        desk_409 = await admin.post(f"{FD}/complaints/{fresh.json()['id']}/dispatch")
        desk_412 = await admin.post(
            f"{FD}/complaints/{ids[0]}/escalate", json={"reason": "x"}, headers={"If-Match": "1"}
        )
        [order] = await live_tasks(admin, "engineering", await one_more(admin, prop["id"]))
        orders = f"/api/engineering/v1/workorders/{order['id']}"
        dept_409 = await admin.post(f"{orders}/complete", json={"resolution_notes": "done"})
        dept_412 = await admin.post(
            f"{orders}/assign", json={"assignee": "tech"}, headers={"If-Match": '"99"'}
        )
        users = (await admin.get("/api/users")).json()["items"]
        user = await admin.get(f"/api/users/{users[0]['id']}")
        assert user.headers["etag"] == f'"{user.json()["version"]}"'
        users_412 = await admin.patch(
            f"/api/users/{users[0]['id']}", json={"active": True}, headers={"If-Match": '"99"'}
        )
        for r, status in (
            (desk_409, 409),
            (dept_409, 409),
            (desk_412, 412),
            (dept_412, 412),
            (users_412, 412),
        ):
            assert r.status_code == status, r.text
            assert r.headers["content-type"] == "application/problem+json"
        assert WRONG_STATE <= desk_409.json().keys()
        assert desk_409.json().keys() == dept_409.json().keys()
        assert dept_409.json()["allowed_from"] == ["in_progress"]
        assert STALE <= desk_412.json().keys()
        assert desk_412.json().keys() == dept_412.json().keys() == users_412.json().keys()
        assert users_412.json()["expected_version"] == 99
        r = await admin.patch(
            f"/api/users/{users[0]['id']}", json={"active": True}, headers={"If-Match": b"\xb2"}
        )
        assert r.status_code == 422 and r.json()["field"] == "If-Match"


async def one_more(admin: httpx.AsyncClient, property_id: str) -> str:
    cid = await dispatched_to_engineering(admin, property_id)

    async def task() -> list[dict] | None:
        return await live_tasks(admin, "engineering", cid) or None

    await eventually(task, within=30, what="the engineering work order")
    return cid
