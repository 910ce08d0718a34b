"""Hygiene checks: a pass is recorded; a failure says what was found and raises a cleaning task
(kind hygiene, on the area) at once, in the same transaction."""

from __future__ import annotations

from cleaning.app import create_app
from propops.testing.fixtures import token_for


async def test_a_failed_check_raises_a_task_at_once(start_service) -> None:
    app = await start_service(create_app, "cleaning")
    c = app.client
    area = (
        await c.post(
            "/v1/areas",
            json={"property_id": "p-1", "code": "B1-WC", "name": "B1 toilet", "kind": "toilet"},
        )
    ).json()
    inspector = {"Authorization": f"Bearer {token_for(app.settings, 'cleaning', user_id='may')}"}
    r = await c.post(
        "/v1/hygiene-checks", json={"area_id": area["id"], "passed": True}, headers=inspector
    )
    assert r.status_code == 201, r.text
    assert r.json()["task_id"] is None and r.json()["checked_by"] == "may"

    r = await c.post("/v1/hygiene-checks", json={"area_id": area["id"], "passed": False})
    assert r.status_code == 422 and r.json()["field"] == "notes"
    r = await c.post("/v1/hygiene-checks", json={"area_id": "nope", "passed": False, "notes": "x"})
    assert r.status_code == 422 and r.json()["field"] == "area_id"
    r = await c.post("/v1/hygiene-checks", json={"area_id": area["id"], "passed": "maybe"})
    assert r.status_code == 422 and r.json()["field"] == "passed"
    assert (await c.get("/v1/hygiene-checks")).json()["total"] == 1  # nothing half-written
    assert (await c.get("/v1/tasks")).json()["total"] == 0

    r = await c.post(
        "/v1/hygiene-checks",
        json={"area_id": area["id"], "passed": False, "notes": "Floor wet, bin full\nsmells"},
        headers=inspector,
    )
    assert r.status_code == 201, r.text
    check = r.json()
    task = (await c.get(f"/v1/tasks/{check['task_id']}")).json()
    assert task["reference"] == check["task_reference"] and task["reference"].startswith("CL-")
    assert task["kind"] == "hygiene" and task["asset_id"] == area["id"]
    assert task["source_key"] == f"hygiene:{check['id']}" and task["source_id"] == check["id"]
    assert task["title"] == "Floor wet, bin full" and task["status"] == "open"
    assert task["priority"] == "high" and task["history"][0]["actor"] == "may"

    failed = (await c.get("/v1/hygiene-checks", params={"passed": "false"})).json()
    assert [x["id"] for x in failed["items"]] == [check["id"]]
    other = {"Authorization": f"Bearer {token_for(app.settings, 'cleaning', property_ids=['p-2'])}"}
    assert (await c.get(f"/v1/hygiene-checks/{check['id']}", headers=other)).status_code == 403
    r = await c.post(
        "/v1/hygiene-checks", json={"area_id": area["id"], "passed": True}, headers=other
    )
    assert r.status_code == 403
