"""Engineering work orders from the front desk's complaint events, over real NATS and HTTP."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select

from engineering.app import create_app
from propops.events.payloads import ComplaintRerouted, SiteVisited
from propops.messaging.models import OutboxRow
from propops.testing.fixtures import RunningApp, eventually
from propops.testing.tasks import (
    auth,
    complaint,
    known_user,
    one_task,
    publish,
    task_events,
    tasks_of,
    wait_handled,
)

PATH = "workorders"
DEPT = "engineering"


@pytest.fixture
async def eng(start_service) -> RunningApp:
    app = await start_service(create_app, DEPT)
    assert await app.ctx.bus.wait_ready(within=15)
    await known_user(app, "tech-lee", DEPT)  # the gateway told engineering about its technician
    return app


async def dispatch(eng: RunningApp, **fields: object) -> dict:
    c = complaint(DEPT, **fields)
    await publish(eng, c, "dispatched", subject=c.complaint_id)
    return await one_task(eng, PATH, c.complaint_id)


async def post(
    eng: RunningApp,
    task_id: str,
    action: str,
    body: dict | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    headers = headers or auth(eng, DEPT)
    return await eng.client.post(f"/v1/{PATH}/{task_id}/{action}", json=body, headers=headers)


async def status_of(eng: RunningApp, task_id: str) -> dict:
    r = await eng.client.get(f"/v1/{PATH}/{task_id}")
    assert r.status_code == 200, r.text
    return r.json()


async def test_a_dispatch_published_twice_makes_exactly_one_work_order(eng: RunningApp) -> None:
    c = complaint(DEPT)
    first = await publish(eng, c, "dispatched", subject=c.complaint_id)
    # the same event under another Nats-Msg-Id (past JetStream's dedupe), and a second event
    again = await publish(
        eng, c, "dispatched", subject=c.complaint_id, event=first, msg_id=str(uuid.uuid4())
    )
    other = await publish(eng, c, "dispatched", subject=c.complaint_id)
    assert other.id != first.id and again.id == first.id
    await wait_handled(eng, first, other)
    [order] = await tasks_of(eng, PATH, complaint_id=c.complaint_id)
    assert order["status"] == "open" and order["title"] == "Water leaking from the ceiling"
    assert order["priority"] == "high" and order["due_at"] is not None
    assert (order["kind"], order["complaint_kind"], order["source_key"]) == (
        "complaint",
        None,
        None,
    )
    by_kind = await eng.client.get(f"/v1/{PATH}", params={"kind": "complaint"})
    assert [o["id"] for o in by_kind.json()["items"]] == [order["id"]]
    none = await eng.client.get(f"/v1/{PATH}", params={"kind": "preventive"})
    assert none.json()["items"] == []
    assert len(await task_events(eng, DEPT, "created")) == 1
    # a complaint dispatched to another department is not engineering's
    elsewhere = complaint("cleaning")
    ev = await publish(eng, elsewhere, "dispatched", subject=elsewhere.complaint_id)
    await wait_handled(eng, ev)
    assert await tasks_of(eng, PATH, complaint_id=elsewhere.complaint_id) == []


async def test_assign_start_complete_over_http_emits_the_completion(eng: RunningApp) -> None:
    order = await dispatch(eng)
    r = await post(eng, order["id"], "assign", {"assignee": "tech-lee"})
    assert r.status_code == 200 and r.json()["status"] == "assigned"
    assert r.headers["etag"] == '"2"'
    r = await post(eng, order["id"], "start")
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    r = await post(eng, order["id"], "complete", {"resolution_notes": "Replaced the valve"})
    assert r.status_code == 200 and r.json()["status"] == "completed"
    detail = await status_of(eng, order["id"])
    assert detail["resolution_notes"] == "Replaced the valve"
    assert [(h["action"], h["actor"]) for h in detail["history"]] == [
        ("created", "desk-amy"),
        ("assigned", "tech-lee"),
        ("started", "tech-lee"),
        ("completed", "tech-lee"),
    ]
    [event] = await task_events(eng, DEPT, "completed")
    assert event["task_id"] == order["id"] and event["notes"] == "Replaced the valve"
    assert event["complaint_id"] == order["complaint_id"] and event["status"] == "completed"

    async def published() -> bool:
        async with eng.ctx.db.sessions() as s:
            row = await s.scalar(
                select(OutboxRow).where(
                    OutboxRow.type == "propops.engineering.workorder.completed.v1"
                )
            )
            return row is not None and row.published_at is not None

    await eventually(published, what="completion published on NATS")
    r = await eng.client.get(f"/v1/{PATH}", params={"status": "completed", "assignee": "tech-lee"})
    assert [t["id"] for t in r.json()["items"]] == [order["id"]]
    mine = auth(eng, DEPT, user="tech-lee")
    r = await eng.client.get(f"/v1/{PATH}", params={"assignee": "me"}, headers=mine)
    assert [t["id"] for t in r.json()["items"]] == [order["id"]]
    r = await eng.client.get(f"/v1/{PATH}", params={"assignee": "me"})  # the admin has none
    assert r.json()["items"] == []


async def test_front_desk_reopens_and_reroutes_and_cancels(eng: RunningApp) -> None:
    order = await dispatch(eng)
    for action, body in [
        ("assign", {"assignee": "tech-lee"}),
        ("start", None),
        ("complete", {"resolution_notes": "fixed"}),
    ]:
        assert (await post(eng, order["id"], action, body)).status_code == 200
    reopened = complaint(
        DEPT,
        complaint_id=order["complaint_id"],
        status="reopened",
        reason="callback: still leaking",
        at=datetime.now(UTC),
    )
    ev = await publish(eng, reopened, "reopened", subject=order["complaint_id"])
    await wait_handled(eng, ev)
    detail = await status_of(eng, order["id"])
    assert (detail["status"], detail["assignee"], detail["reopen_count"]) == (
        "assigned",
        "tech-lee",
        1,
    )
    assert detail["history"][-1]["notes"] == "callback: still leaking"

    moved = ComplaintRerouted(
        complaint_id=order["complaint_id"],
        from_department=DEPT,
        to_department="cleaning",
        actor="desk-amy",
        at=datetime.now(UTC),
    )
    ev = await publish(eng, moved, "rerouted", subject=order["complaint_id"])
    await wait_handled(eng, ev)
    detail = await status_of(eng, order["id"])
    assert detail["status"] == "cancelled"
    assert detail["history"][-1]["notes"] == "complaint rerouted to cleaning"

    other = await dispatch(eng)
    gone = complaint(DEPT, complaint_id=other["complaint_id"], status="cancelled", reason="dup")
    ev = await publish(eng, gone, "cancelled", subject=other["complaint_id"])
    await wait_handled(eng, ev)
    assert (await status_of(eng, other["id"]))["status"] == "cancelled"
    assert len(await task_events(eng, DEPT, "cancelled")) == 2


def site_visit(complaint_id: str) -> SiteVisited:
    return SiteVisited(
        complaint_id=complaint_id,
        department=DEPT,
        department_head="head-wong",
        visited_at=datetime.now(UTC),
        findings="cracked pipe above the ceiling",
    )


async def test_site_visit_before_the_dispatch_ends_assigned_to_the_head(eng: RunningApp) -> None:
    c = complaint(DEPT)
    ev = await publish(eng, site_visit(c.complaint_id), "site_visited", subject=c.complaint_id)
    await wait_handled(eng, ev)  # handled while no work order exists yet
    assert await tasks_of(eng, PATH, complaint_id=c.complaint_id) == []
    await publish(eng, c, "dispatched", subject=c.complaint_id)
    order = await one_task(eng, PATH, c.complaint_id)
    assert (order["status"], order["assignee"]) == ("assigned", "head-wong")


async def test_site_visit_after_the_dispatch_ends_assigned_to_the_head(eng: RunningApp) -> None:
    order = await dispatch(eng)
    assert (order["status"], order["assignee"]) == ("open", None)
    v = site_visit(order["complaint_id"])
    ev = await publish(eng, v, "site_visited", subject=order["complaint_id"])
    await wait_handled(eng, ev)
    detail = await status_of(eng, order["id"])
    assert (detail["status"], detail["assignee"]) == ("assigned", "head-wong")
    assert detail["history"][-1]["notes"] == "site visit: cracked pipe above the ceiling"


async def test_rights_engineering_writes_manager_reads_cleaning_neither(eng: RunningApp) -> None:
    order = await dispatch(eng)
    manager, cleaner = auth(eng, "manager", user="mgr"), auth(eng, "cleaning", user="cln")
    r = await eng.client.get(f"/v1/{PATH}/{order['id']}", headers=manager)
    assert r.status_code == 200
    r = await post(eng, order["id"], "assign", {"assignee": "x"}, headers=manager)
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
    assert (await eng.client.get(f"/v1/{PATH}", headers=cleaner)).status_code == 403
    r = await post(eng, order["id"], "assign", {"assignee": "x"}, headers=cleaner)
    assert r.status_code == 403
    assert (await status_of(eng, order["id"]))["status"] == "open"
    elsewhere = auth(eng, DEPT, property_ids=["p-other"])
    assert (await eng.client.get(f"/v1/{PATH}", headers=elsewhere)).json()["items"] == []
    r = await eng.client.get(f"/v1/{PATH}/{order['id']}", headers=elsewhere)
    assert r.status_code == 403
    assert (await eng.client.get(f"/v1/{PATH}")).status_code == 200  # admin


async def test_bad_input_and_wrong_state_are_problems(eng: RunningApp) -> None:
    order = await dispatch(eng)
    await known_user(eng, "guard-ma", "security")
    await known_user(eng, "tech-left", DEPT, active=False)
    for who in ("stranger", "guard-ma", "tech-left"):
        r = await post(eng, order["id"], "assign", {"assignee": who})
        assert r.status_code == 422 and r.json()["field"] == "assignee", r.text
    assert (await post(eng, order["id"], "assign", {"assignee": "tech-lee"})).status_code == 200
    r = await post(eng, order["id"], "complete", {"resolution_notes": "   "})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["field"] == "resolution_notes"
    r = await post(eng, order["id"], "complete", {"resolution_notes": "done"})
    assert r.status_code == 409
    problem = r.json()
    assert problem["detail"] == "work order is assigned; cannot complete (start it first)"
    assert problem["current_state"] == "assigned" and problem["action"] == "complete"
    assert problem["allowed_from"] == ["in_progress"]
    assert (await post(eng, "missing", "start")).status_code == 404
    r = await eng.client.get(f"/v1/{PATH}", params={"status": "done"})
    assert r.status_code == 422 and r.json()["field"] == "status"
    r = await eng.client.get(f"/v1/{PATH}", params={"kind": "repair"})
    assert r.status_code == 422 and r.json()["field"] == "kind"


async def test_stale_version_is_a_failed_precondition(eng: RunningApp) -> None:
    order = await dispatch(eng)
    r = await eng.client.get(f"/v1/{PATH}/{order['id']}")
    etag = r.headers["etag"]
    assert etag == '"1"'
    r = await post(eng, order["id"], "assign", {"assignee": "tech-lee", "version": 1})
    assert r.status_code == 200 and r.json()["version"] == 2
    staff = auth(eng, DEPT) | {"If-Match": etag}
    r = await post(eng, order["id"], "start", headers=staff)
    assert r.status_code == 412 and r.json()["field"] == "If-Match"
    assert (r.json()["current_version"], r.json()["expected_version"]) == (2, 1)
    for bad in (b"\xb2", '"²"'.encode(), b"2,3", b'"0"'):  # ASCII digits only
        r = await eng.client.post(
            f"/v1/{PATH}/{order['id']}/start", headers=auth(eng, DEPT) | {"If-Match": bad}
        )
        assert r.status_code == 422 and r.json()["field"] == "If-Match", (bad, r.text)
    assert (await status_of(eng, order["id"]))["status"] == "assigned"
    retried = auth(eng, DEPT) | {"If-Match": '"2"', "Idempotency-Key": "start-1"}
    r = await post(eng, order["id"], "start", headers=retried)
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    # the client did not get the answer and retries: the same answer, not a 412
    again = await post(eng, order["id"], "start", headers=retried)
    assert again.status_code == 200 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == r.json() and again.headers["etag"] == '"3"'
    assert len(await task_events(eng, DEPT, "started")) == 1
