"""Front desk and gate, end to end through the gateway, with security restarted in the
middle: a release pass issued while security is down is checked once at the gate (restarted
right after the check) and the desk sees it released; a visitor entering and leaving at the
gate, with a restart between, moves the desk's visit once. One system for the module (each
flow on its own property)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from propops.testing.fixtures import eventually

from system_harness import System, signed_in

pytestmark = pytest.mark.system

FD = "/api/frontdesk/v1"
GATE = "/api/security/v1/gate"


async def created(client: httpx.AsyncClient, path: str, body: dict) -> dict:
    r = await client.post(path, json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def place(client: httpx.AsyncClient, code: str) -> dict:
    prop = await created(client, f"{FD}/properties", {"code": code, "name": f"Estate {code}"})
    unit = await created(
        client, f"{FD}/units", {"property_id": prop["id"], "building": "A", "number": "1F-1"}
    )
    owner = await created(client, f"{FD}/parties", {"name": "Chan Tai Man", "phone": "91234567"})
    since = (date.today() - timedelta(days=30)).isoformat()
    await created(
        client,
        f"{FD}/occupancies",
        {"unit_id": unit["id"], "party_id": owner["id"], "role": "owner", "start_date": since},
    )
    return {"property": prop["id"], "unit": unit["id"], "owner": owner["id"]}


async def gate_row(client: httpx.AsyncClient, path: str, status: str) -> dict:
    async def listed() -> dict | None:
        r = await client.get(f"{GATE}/{path}")
        assert r.status_code == 200, r.text
        return r.json() if r.json()["status"] == status else None

    return await eventually(listed, within=60, interval=0.2, what=f"gate {path} {status}")


async def test_a_pass_issued_while_the_gate_is_down_is_checked_once(
    module_system: System,
) -> None:
    system = module_system
    async with signed_in(system.gateway_url) as admin:
        at = await place(admin, "GP1")
        p = await created(
            admin,
            f"{FD}/release-passes",
            {
                "unit_id": at["unit"],
                "requester_party_id": at["owner"],
                "items": [{"description": "piano", "quantity": 1}],
                "reason": "sold",
                "planned_at": datetime.now(UTC).isoformat(),
            },
        )
        system.stop_service("security")
        r = await admin.post(f"{FD}/release-passes/{p['id']}/issue")
        assert r.status_code == 200 and r.json()["status"] == "issued", r.text
        system.start_service("security")
        row = await gate_row(admin, f"release-passes/{p['id']}", "issued")
        assert row["items"] == [{"description": "piano", "quantity": 1}]

        # checked, then the gate restarted at once (its event maybe unsent): nothing lost or
        # doubled
        r = await admin.post(
            f"{GATE}/release-passes/{p['id']}/check", json={"items_match": True, "notes": "ok"}
        )
        assert r.status_code == 200 and r.json()["status"] == "released", r.text
        system.stop_service("security")
        system.start_service("security")
        r = await admin.post(f"{GATE}/release-passes/{p['id']}/check", json={"items_match": True})
        assert r.status_code == 409 and r.json()["current_state"] == "released"

        async def released() -> dict | None:
            got = (await admin.get(f"{FD}/release-passes/{p['id']}")).json()
            return got if got["status"] == "released" else None

        got = await eventually(released, within=60, interval=0.2, what="desk sees released")
        assert [s["action"] for s in got["steps"]] == ["requested", "issued", "released"]
        assert got["checked_by"] == "admin" and got["items_match"] is True


async def test_a_visit_entered_and_exited_at_the_gate_moves_the_desk_once(
    module_system: System,
) -> None:
    system = module_system
    async with signed_in(system.gateway_url) as admin:
        at = await place(admin, "GV1")
        r = await admin.post(
            "/api/users",
            json={"username": "eng-gv1", "password": "eng-gv1-pass", "roles": ["engineering"]},
        )
        assert r.status_code == 201, r.text
        visit = await created(
            admin,
            f"{FD}/visits",
            {
                "property_id": at["property"],
                "visitor_name": "Lee Ka Yan",
                "id_number": "Z6543210",
                "purpose": "interview",
                "host_department": "engineering",
            },
        )
        row = await gate_row(admin, f"visitors/{visit['id']}", "expected")
        assert row["id_number_masked"] == "Z*****10"
        # the desk has not confirmed the identity: the guard checks a document first
        r = await admin.post(f"{GATE}/visitors/{visit['id']}/enter")
        assert r.status_code == 409 and r.json()["field"] == "identity", r.text
        seen = {"document_kind": "hkid", "document_checked": True}
        r = await admin.post(f"{GATE}/visitors/{visit['id']}/enter", json=seen)
        assert r.status_code == 200, r.text
        system.stop_service("security")  # right after the entry: its event may be unsent
        system.start_service("security")
        r = await admin.post(f"{GATE}/visitors/{visit['id']}/exit")
        assert r.status_code == 200 and r.json()["status"] == "left", r.text

        async def left() -> dict | None:
            got = (await admin.get(f"{FD}/visits/{visit['id']}")).json()
            return got if got["status"] == "left" else None

        got = await eventually(left, within=60, interval=0.2, what="desk sees the visit left")
        assert [(s["action"], s["source"]) for s in got["steps"]] == [
            ("registered", "desk"),
            ("identity_confirmed", "gate"),
            ("arrived", "gate"),
            ("left", "gate"),
        ]
        assert got["id_number"] == "Z*****10"
        assert got["document_kind"] == "hkid" and got["identity_confirmed_by"] == "admin"

    # the department the visitor came for was told twice: expected, then arrived (once each)
    async with signed_in(system.gateway_url, "eng-gv1", "eng-gv1-pass") as engineer:

        async def told() -> list[str] | None:
            items = (await engineer.get("/api/notifications")).json()["items"]
            kinds = sorted(n["kind"] for n in items if n["params"].get("visit_id") == visit["id"])
            return kinds if len(kinds) >= 2 else None

        kinds = await eventually(told, within=60, interval=0.3, what="engineering told")
        assert kinds == ["visitor_arrived", "visitor_expected"]
