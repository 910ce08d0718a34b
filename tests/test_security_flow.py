"""Security reaches the front desk, through the gateway: a failed post check and a patrol
finished with a checkpoint missed, made while the front desk is down, each become exactly one
security alert once it is back (a restart in the middle), and stay one after the desk restarts
again; a low incident makes none, a critical one does."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from propops.testing.fixtures import eventually

from system_harness import System

pytestmark = pytest.mark.system
PROPERTY = "p-flow"


async def ok(r: httpx.Response, status: int = 201) -> dict[str, Any]:
    assert r.status_code == status, r.text
    return r.json()


async def alerts(admin: httpx.AsyncClient) -> list[dict[str, Any]]:
    r = await admin.get("/api/frontdesk/v1/security-alerts", params={"limit": 100})
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def test_failed_post_check_and_missed_patrol_reach_the_desk_once(
    system: System, admin: httpx.AsyncClient
) -> None:
    post = await ok(
        await admin.post(
            "/api/security/v1/posts",
            json={
                "property_id": PROPERTY,
                "code": "G1",
                "name": "Main gate",
                "kind": "gate",
                "hours": [{"from": "00:00", "to": "00:00"}],
            },
        )
    )
    route = await ok(
        await admin.post(
            "/api/security/v1/patrol-routes",
            json={
                "property_id": PROPERTY,
                "name": "Night round",
                "checkpoints": [{"code": "CP1", "name": "B2"}, {"code": "CP2", "name": "Roof"}],
                "rrule": "FREQ=HOURLY;BYMINUTE=0",
                "window_minutes": 60,
            },
        )
    )

    await asyncio.to_thread(system.stop_service, "frontdesk")
    check = await ok(
        await admin.post(
            "/api/security/v1/post-checks",
            json={
                "post_id": post["id"],
                "present": False,
                "dressed": True,
                "alert": True,
                "notes": "post empty",
            },
        )
    )
    assert check["passed"] is False
    run = await ok(await admin.post("/api/security/v1/patrols", json={"route_id": route["id"]}))
    await ok(
        await admin.post(
            f"/api/security/v1/patrols/{run['id']}/scan", json={"checkpoint_code": "CP1"}
        ),
        200,
    )
    done = await ok(await admin.post(f"/api/security/v1/patrols/{run['id']}/finish"), 200)
    assert done["status"] == "incomplete" and done["missed_checkpoints"] == ["CP2"]
    r = await admin.get("/api/frontdesk/v1/security-alerts")
    assert r.status_code == 502  # the desk is down; security carried on
    await asyncio.to_thread(system.start_service, "frontdesk")

    async def both() -> list[dict[str, Any]]:
        found = await alerts(admin)
        return found if len(found) >= 2 else []

    found = await eventually(both, within=60, interval=0.3, what="two security alerts")
    assert sorted(a["kind"] for a in found) == ["patrol_missed", "post_check_failed"]
    by_kind = {a["kind"]: a for a in found}
    assert by_kind["post_check_failed"]["details"]["check_id"] == check["id"]
    assert by_kind["post_check_failed"]["details"]["present"] is False
    assert by_kind["patrol_missed"]["details"]["run_id"] == run["id"]
    assert by_kind["patrol_missed"]["details"]["missed_checkpoints"] == ["CP2"]

    # the desk restarts again; later events arrive, the first two are still there once each
    await asyncio.to_thread(system.stop_service, "frontdesk")
    await asyncio.to_thread(system.start_service, "frontdesk")
    for severity in ("low", "critical"):
        await ok(
            await admin.post(
                "/api/security/v1/incidents",
                json={
                    "property_id": PROPERTY,
                    "kind": "intrusion",
                    "location": "B2 back door",
                    "description": f"{severity}: door forced",
                    "severity": severity,
                },
            )
        )

    async def incident_arrived() -> list[dict[str, Any]]:
        found = await alerts(admin)
        return found if any(a["kind"] == "incident" for a in found) else []

    found = await eventually(incident_arrived, within=60, interval=0.3, what="the incident alert")
    assert sorted(a["kind"] for a in found) == ["incident", "patrol_missed", "post_check_failed"]
    assert [a["severity"] for a in found if a["kind"] == "incident"] == ["critical"]
