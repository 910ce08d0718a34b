"""The manager's complaint figures (``GET /v1/reports/complaints``): per day by nature and kind,
open and overdue per department, median record-to-resolve hours, callback satisfaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from frontdesk.app import create_app
from frontdesk.settings import FrontdeskSettings
from propops.events import new_event
from propops.events.catalog import subject_for, task_event_type
from propops.events.payloads import TaskChanged
from propops.testing.fixtures import RunningApp, eventually, token_for


@pytest.fixture
async def fd(start_service) -> RunningApp:
    app = await start_service(create_app, "frontdesk", settings_cls=FrontdeskSettings)
    assert await app.ctx.bus.wait_ready(within=15)
    return app


async def make_property(fd: RunningApp, code: str) -> tuple[str, str]:
    prop = (await fd.client.post("/v1/properties", json={"code": code, "name": code})).json()
    unit = (
        await fd.client.post(
            "/v1/units", json={"property_id": prop["id"], "building": "A", "number": "1F-1"}
        )
    ).json()
    return prop["id"], unit["id"]


async def record(fd: RunningApp, prop: str, unit: str) -> str:
    r = await fd.client.post(
        "/v1/complaints",
        json={"property_id": prop, "unit_id": unit, "channel": "phone", "description": "Leak"},
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def act(fd: RunningApp, cid: str, action: str, body: dict | None = None) -> dict:
    r = await fd.client.post(f"/v1/complaints/{cid}/{action}", json=body or {})
    assert r.status_code == 200, r.text
    return r.json()


async def task_done(fd: RunningApp, prop: str, cid: str, verb: str) -> None:
    payload = TaskChanged(
        task_id=f"task-{cid}",
        department="engineering",
        property_id=prop,
        complaint_id=cid,
        status=verb,
        actor="lee",
        at=datetime.now(UTC),
    )
    event = new_event(
        payload, subject=payload.task_id, event_type=task_event_type("engineering", verb)
    )
    await fd.ctx.bus.publish(
        subject_for(event.type, fd.settings.nats_namespace), event.to_json(), str(uuid.uuid4())
    )


async def test_complaint_figures_count_what_the_desk_did(fd: RunningApp) -> None:
    prop, unit = await make_property(fd, "HKA")
    other_prop, other_unit = await make_property(fd, "HKB")
    # three recorded at HKA today: one valid to engineering (resolved, callback 4), one
    # communication/consult, one left unclassified; one at HKB
    valid = await record(fd, prop, unit)
    await act(fd, valid, "classify", {"nature": "valid", "department": "engineering"})
    await act(fd, valid, "dispatch")
    consult = await record(fd, prop, unit)
    await act(
        fd,
        consult,
        "classify",
        {"nature": "communication", "kind": "consult", "department": "cleaning"},
    )
    await record(fd, prop, unit)
    await record(fd, other_prop, other_unit)

    await task_done(fd, prop, valid, "started")
    await task_done(fd, prop, valid, "completed")

    async def resolved() -> bool:
        return (await fd.client.get(f"/v1/complaints/{valid}")).json()["status"] == "resolved"

    await eventually(resolved, what="resolved")
    [cb] = (await fd.client.get("/v1/callbacks", params={"complaint_id": valid})).json()["items"]
    r = await fd.client.post(
        f"/v1/callbacks/{cb['id']}/record", json={"reached": True, "satisfaction": 4}
    )
    assert r.status_code == 200, r.text

    r = await fd.client.get("/v1/reports/complaints", params={"property_id": prop})
    assert r.status_code == 200, r.text
    stats = r.json()
    today = datetime.now(UTC).date()
    assert stats["to"] == today.isoformat()
    assert stats["from"] == (today - timedelta(days=29)).isoformat()
    assert stats["recorded"] == 3
    by_kind = {(d["nature"], d["kind"]): d["count"] for d in stats["per_day"]}
    assert by_kind == {
        ("valid", None): 1,
        ("communication", "consult"): 1,
        ("unclassified", None): 1,
    }
    assert {d["date"] for d in stats["per_day"]} == {today.isoformat()}
    load = {d["department"]: (d["open"], d["overdue"]) for d in stats["by_department"]}
    assert load == {
        "cleaning": (1, 0),
        "unassigned": (1, 0),
    }  # the valid one is resolved (not open)
    [resolve] = stats["resolve_time"]
    assert resolve["department"] == "engineering" and resolve["resolved"] == 1
    assert 0 <= resolve["median_hours"] < 1
    assert stats["satisfaction"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}

    # every property: the HKB complaint counts too; a user scoped to HKB sees only it
    assert (await fd.client.get("/v1/reports/complaints")).json()["recorded"] == 4
    scoped = token_for(fd.settings, "manager", property_ids=[other_prop])
    r = await fd.client.get("/v1/reports/complaints", headers={"Authorization": f"Bearer {scoped}"})
    assert r.json()["recorded"] == 1 and r.json()["satisfaction"]["4"] == 0
    r = await fd.client.get(
        "/v1/reports/complaints",
        params={"property_id": prop},
        headers={"Authorization": f"Bearer {scoped}"},
    )
    assert r.status_code == 403 and r.json()["field"] == "property_id"

    # a period before today counts nothing
    old = {"from": "2026-01-01", "to": "2026-01-31"}
    r = await fd.client.get("/v1/reports/complaints", params=old)
    assert r.json()["recorded"] == 0 and r.json()["resolve_time"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-02-01", "to": "2026-01-01"}, "from"),
        ({"from": "2024-01-01", "to": "2026-01-01"}, "from"),
        ({"from": "yesterday"}, "from"),
    ],
)
async def test_bad_period_is_422_naming_the_field(fd: RunningApp, params: dict, field: str) -> None:
    r = await fd.client.get("/v1/reports/complaints", params=params)
    assert r.status_code == 422 and r.json()["field"] == field
