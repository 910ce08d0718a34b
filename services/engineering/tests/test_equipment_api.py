"""The equipment register and maintenance plans over HTTP: register, search and read an item;
plans with their rule checked; a generated preventive work order completed by a technician
records the service on its equipment (through the work order's own completed event)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engineering.app import create_app
from engineering.maintenance.service import generate_due_work
from propops.db import utcnow
from propops.testing.fixtures import RunningApp, eventually
from propops.testing.tasks import auth, known_user

DEPT = "engineering"


@pytest.fixture
async def eng(start_service) -> RunningApp:
    app = await start_service(create_app, DEPT)
    assert await app.ctx.bus.wait_ready(within=15)
    await known_user(app, "tech-lee", DEPT)
    return app


LIFT = {
    "property_id": "p-1",
    "code": "LIFT-A2",
    "name": "Passenger lift 2",
    "category": "lift",
    "location": "Block A lift lobby",
    "vendor": "Otis HK",
    "installed_on": "2019-05-01",
}


async def register(eng: RunningApp, **fields: object) -> dict:
    r = await eng.client.post("/v1/equipment", json=LIFT | fields)
    assert r.status_code == 201, r.text
    return r.json()


async def test_register_search_and_bad_input(eng: RunningApp) -> None:
    lift = await register(eng)
    pump = await register(
        eng,
        code="PUMP-1",
        name="Fresh water pump",
        category="pump",
        location="B1 pump room",
        vendor=None,
    )
    assert lift["last_serviced_at"] is None and lift["category"] == "lift"
    r = await eng.client.post("/v1/equipment", json=LIFT)
    assert r.status_code == 409 and r.json()["field"] == "code"
    r = await eng.client.post("/v1/equipment", json=LIFT | {"code": "X", "category": "boiler"})
    assert r.status_code == 422 and r.json()["field"] == "category"
    r = await eng.client.post("/v1/equipment", json=LIFT | {"code": "  "})
    assert r.status_code == 422 and r.json()["field"] == "code"
    found = (await eng.client.get("/v1/equipment", params={"q": "otis"})).json()
    assert [e["id"] for e in found["items"]] == [lift["id"]] and found["total"] == 1
    pumps = (await eng.client.get("/v1/equipment", params={"category": "pump"})).json()
    assert [e["id"] for e in pumps["items"]] == [pump["id"]]
    r = await eng.client.get("/v1/equipment", params={"category": "boiler"})
    assert r.status_code == 422 and r.json()["field"] == "category"
    # property scope: another property's engineer neither sees nor registers here
    other = auth(eng, DEPT, property_ids=["p-2"])
    assert (await eng.client.get("/v1/equipment", headers=other)).json()["items"] == []
    assert (await eng.client.get(f"/v1/equipment/{lift['id']}", headers=other)).status_code == 403
    r = await eng.client.post("/v1/equipment", json=LIFT | {"code": "Z"}, headers=other)
    assert r.status_code == 403
    assert (await eng.client.get("/v1/equipment/nope")).status_code == 404
    # the manager reads, cleaning does not
    assert (await eng.client.get("/v1/equipment", headers=auth(eng, "manager"))).status_code == 200
    assert (await eng.client.get("/v1/equipment", headers=auth(eng, "cleaning"))).status_code == 403


async def test_a_plan_generates_work_whose_completion_is_a_service(eng: RunningApp) -> None:
    lift = await register(eng)
    plan = {"equipment_id": lift["id"], "task": "Monthly lift inspection", "lead_days": 7}
    for rule, says in (
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "never occurs"),
        ("FREQ=HOURLY", "daily at most"),
        ("FREQ=DAILY;BYHOUR=9,21", "daily at most"),  # 21:00 would merge into 09:00's order
        ("FREQ=WEEKLY;BYDAY=MO;BYMINUTE=0,30", "daily at most"),
        ("FREQ=SECONDLY", "FREQ must be one of"),
    ):
        r = await eng.client.post("/v1/maintenance-plans", json=plan | {"rrule": rule})
        assert r.status_code == 422 and r.json()["field"] == "rrule", r.text
        assert says in r.json()["detail"]
    r = await eng.client.post(
        "/v1/maintenance-plans",
        json=plan | {"rrule": "FREQ=YEARLY;BYMONTH=2", "starts_on": "2026-01-31"},
    )
    assert r.status_code == 422 and r.json()["field"] == "rrule"  # 31 February never comes
    long_ago = (utcnow() - timedelta(days=400)).date().isoformat()
    r = await eng.client.post(
        "/v1/maintenance-plans", json=plan | {"rrule": "FREQ=DAILY", "starts_on": long_ago}
    )
    assert r.status_code == 422 and r.json()["field"] == "starts_on"
    r = await eng.client.post("/v1/maintenance-plans", json=plan | {"rrule": "x", "lead_days": 91})
    assert r.status_code == 422
    r = await eng.client.post(
        "/v1/maintenance-plans", json=plan | {"equipment_id": "nope", "rrule": "FREQ=DAILY"}
    )
    assert r.status_code == 404 and r.json()["field"] == "equipment_id"
    start = (utcnow() - timedelta(days=40)).date().isoformat()
    r = await eng.client.post(
        "/v1/maintenance-plans",
        json=plan | {"rrule": "freq=weekly", "starts_on": start, "time_zone": "Asia/Hong_Kong"},
    )
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["rrule"] == "FREQ=WEEKLY" and made["property_id"] == "p-1"

    async with eng.ctx.db.sessions() as s:  # the job's work, now
        await generate_due_work(s)
        await s.commit()
    orders = (
        await eng.client.get(
            "/v1/workorders", params={"kind": "preventive", "asset_id": lift["id"]}
        )
    ).json()
    assert orders["total"] >= 6  # weekly for 40 days, and the next within 7 days
    overdue = (await eng.client.get("/v1/maintenance/overdue")).json()
    assert overdue["total"] >= 5 and all(o["kind"] == "preventive" for o in overdue["items"])
    oldest = overdue["items"][0]
    assert oldest["source_id"] == made["id"] and oldest["due_at"] < overdue["items"][1]["due_at"]

    staff = auth(eng, DEPT)
    base = f"/v1/workorders/{oldest['id']}"
    for action, body in (
        ("assign", {"assignee": "tech-lee"}),
        ("start", None),
        ("complete", {"resolution_notes": "ropes and brakes checked"}),
    ):
        r = await eng.client.post(f"{base}/{action}", json=body, headers=staff)
        assert r.status_code == 200, r.text

    async def serviced() -> dict:
        item = (await eng.client.get(f"/v1/equipment/{lift['id']}")).json()
        assert item["last_serviced_at"] is not None
        return item

    item = await eventually(serviced, what="the service recorded")
    [line] = item["service_log"]
    assert (line["task_id"], line["serviced_by"], line["plan_id"]) == (
        oldest["id"],
        "tech-lee",
        made["id"],
    )
    assert line["notes"] == "ropes and brakes checked"
    assert [p["id"] for p in item["plans"]] == [made["id"]]
    assert oldest["id"] in {w["id"] for w in item["work_orders"]}
    after = (await eng.client.get("/v1/maintenance/overdue")).json()
    assert oldest["id"] not in {o["id"] for o in after["items"]}
    assert after["total"] == overdue["total"] - 1
