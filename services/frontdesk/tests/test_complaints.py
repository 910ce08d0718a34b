"""Complaints at the front desk: intake, classification, identity and payment status, dispatch,
department task events, callbacks, reopen, escalation, commitments, deadlines, the timeline."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from frontdesk.app import create_app
from frontdesk.complaints import service as complaints
from frontdesk.settings import FrontdeskSettings
from propops.events import CloudEvent, new_event
from propops.events.catalog import subject_for, task_event_type
from propops.events.payloads import AccountStatusChanged, TaskChanged
from propops.messaging.models import OutboxRow
from propops.testing.fixtures import RunningApp, eventually, token_for


@pytest.fixture
async def fd(start_service) -> RunningApp:
    app = await start_service(create_app, "frontdesk", settings_cls=FrontdeskSettings)
    assert await app.ctx.bus.wait_ready(within=15)
    return app


@pytest.fixture
async def place(fd: RunningApp) -> dict:
    prop = (await fd.client.post("/v1/properties", json={"code": "HKA", "name": "A"})).json()
    unit = (
        await fd.client.post(
            "/v1/units", json={"property_id": prop["id"], "building": "A", "number": "8F-1"}
        )
    ).json()
    party = (
        await fd.client.post(
            "/v1/parties", json={"name": "陳大文", "phone": "+85291234567", "id_number": "A1234567"}
        )
    ).json()
    return {"property": prop["id"], "unit": unit["id"], "party": party["id"]}


async def new_complaint(fd: RunningApp, place: dict, **extra: object) -> dict:
    body = {
        "property_id": place["property"],
        "unit_id": place["unit"],
        "channel": "walk_in",
        "description": "Water leaking from the ceiling",
        **extra,
    }
    r = await fd.client.post("/v1/complaints", json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def act(
    fd: RunningApp, complaint_id: str, action: str, body: dict | None = None, expect: int = 200
) -> dict:
    r = await fd.client.post(f"/v1/complaints/{complaint_id}/{action}", json=body or {})
    assert r.status_code == expect, r.text
    return r.json()


async def task_event(
    fd: RunningApp,
    verb: str,
    complaint_id: str,
    *,
    department: str = "engineering",
    task_id: str = "task-1",
    notes: str | None = None,
) -> CloudEvent:
    payload = TaskChanged(
        task_id=task_id,
        department=department,
        property_id="p",
        complaint_id=complaint_id,
        status=verb,
        assignee="Mr Lee",
        notes=notes,
        actor="lee",
        at=datetime.now(UTC),
    )
    event = new_event(payload, subject=task_id, event_type=task_event_type(department, verb))
    await republish(fd, event)
    return event


async def republish(fd: RunningApp, event: CloudEvent) -> None:
    """Publish (again): a new Nats-Msg-Id each time, so JetStream delivers it again."""
    await fd.ctx.bus.publish(
        subject_for(event.type, fd.settings.nats_namespace), event.to_json(), str(uuid.uuid4())
    )


async def status_of(fd: RunningApp, complaint_id: str) -> str:
    return (await fd.client.get(f"/v1/complaints/{complaint_id}")).json()["status"]


async def events_of(fd: RunningApp, complaint_id: str) -> list[str]:
    async with fd.ctx.db.sessions() as s:
        rows = (
            await s.scalars(
                select(OutboxRow)
                .where(OutboxRow.aggregate_id == complaint_id)
                .order_by(OutboxRow.seq)
            )
        ).all()
    return [r.type.split(".")[3] for r in rows]


async def test_help_complaint_through_engineering_and_callback(fd: RunningApp, place) -> None:
    c = await new_complaint(fd, place)
    assert c["status"] == "recorded" and c["overdue"] is False
    r = await fd.client.post(f"/v1/complaints/{c['id']}/dispatch")
    assert r.status_code == 409 and r.json()["current_state"] == "recorded"
    assert r.json()["action"] == "dispatch"
    assert r.json()["allowed_from"] == ["classified", "reopened"]
    await act(
        fd,
        c["id"],
        "classify",
        {
            "nature": "communication",
            "kind": "help",
            "department": "engineering",
            "priority": "high",
        },
    )
    problem = await act(fd, c["id"], "dispatch", expect=409)
    assert problem["field"] == "identity"
    confirmed = await act(
        fd, c["id"], "confirm-identity", {"party_id": place["party"], "document_checked": True}
    )
    assert confirmed["payment_status_at_identity"] == "unknown"
    dispatched = await act(fd, c["id"], "dispatch")
    assert dispatched["status"] == "dispatched" and dispatched["responded_at"]
    await task_event(fd, "created", c["id"])
    await task_event(fd, "started", c["id"])
    await eventually(lambda: _is(fd, c["id"], "in_progress"), what="in progress")
    assert (await fd.client.get(f"/v1/complaints/{c['id']}")).json()["assignee"] == "Mr Lee"
    completion = await task_event(fd, "completed", c["id"], notes="Replaced the pipe joint")
    await republish(fd, completion)  # the same event again: changes nothing
    await eventually(lambda: _is(fd, c["id"], "resolved"), what="resolved")
    callbacks = (await fd.client.get("/v1/callbacks", params={"complaint_id": c["id"]})).json()
    assert callbacks["total"] == 1
    cb = callbacks["items"][0]
    assert cb["status"] == "due"
    # not reached: stays due, attempt logged
    r = await fd.client.post(
        f"/v1/callbacks/{cb['id']}/record", json={"reached": False, "comment": "no answer"}
    )
    assert r.status_code == 200 and r.json()["status"] == "due" and len(r.json()["attempts"]) == 1
    r = await fd.client.post(f"/v1/callbacks/{cb['id']}/record", json={"reached": True})
    assert r.status_code == 422 and r.json()["field"] == "satisfaction"
    r = await fd.client.post(
        f"/v1/callbacks/{cb['id']}/record", json={"reached": True, "satisfaction": 5}
    )
    assert r.status_code == 200 and r.json()["outcome"] == "closed"
    detail = (await fd.client.get(f"/v1/complaints/{c['id']}")).json()
    assert detail["status"] == "closed" and detail["resolution_notes"] == "Replaced the pipe joint"
    actions = [step["action"] for step in detail["timeline"]]
    assert actions == [
        "recorded",
        "classified",
        "identity_confirmed",
        "dispatched",
        "task_created",
        "task_started",
        "task_completed",
        "resolved",
        "callback_opened",
        "callback_attempt",
        "callback_recorded",
        "closed",
    ]
    completed = next(s for s in detail["timeline"] if s["action"] == "task_completed")
    assert completed["department"] == "engineering" and completed["actor"] == "lee"
    assert await events_of(fd, c["id"]) == [
        "recorded",
        "classified",
        "dispatched",
        "started",
        "resolved",
        "closed",
    ]
    assert (await fd.client.get("/v1/callbacks", params={"status": "done"})).json()["total"] == 1


async def _is(fd: RunningApp, complaint_id: str, status: str) -> bool:
    return await status_of(fd, complaint_id) == status


async def test_unsatisfied_callback_reopens_and_a_new_callback_follows(fd, place) -> None:
    c = await new_complaint(fd, place)
    await act(fd, c["id"], "classify", {"nature": "valid", "department": "cleaning"})
    await act(fd, c["id"], "dispatch")
    await task_event(fd, "completed", c["id"], department="cleaning", notes="mopped")
    await eventually(lambda: _is(fd, c["id"], "resolved"), what="resolved")
    [cb] = (await fd.client.get("/v1/callbacks", params={"complaint_id": c["id"]})).json()["items"]
    r = await fd.client.post(
        f"/v1/callbacks/{cb['id']}/record",
        json={"reached": True, "satisfaction": 2, "comment": "still dirty"},
    )
    assert r.json()["outcome"] == "reopened"
    assert await status_of(fd, c["id"]) == "reopened"
    async with fd.ctx.db.sessions() as s:
        row = (
            await s.scalars(
                select(OutboxRow).where(OutboxRow.type == "propops.frontdesk.complaint.reopened.v1")
            )
        ).one()
    assert json.loads(row.envelope)["data"]["department"] == "cleaning"
    await task_event(fd, "reopened", c["id"], department="cleaning")
    await task_event(fd, "started", c["id"], department="cleaning")
    await eventually(lambda: _is(fd, c["id"], "in_progress"), what="in progress again")
    await task_event(fd, "completed", c["id"], department="cleaning", notes="scrubbed")
    await eventually(lambda: _is(fd, c["id"], "resolved"), what="resolved again")
    due = (
        await fd.client.get("/v1/callbacks", params={"complaint_id": c["id"], "status": "due"})
    ).json()
    assert due["total"] == 1 and due["items"][0]["round"] == 1


async def test_commitments_must_be_settled_before_closing(fd, place) -> None:
    c = await new_complaint(fd, place)
    await act(fd, c["id"], "classify", {"nature": "valid", "department": "frontdesk"})
    started = await act(fd, c["id"], "dispatch")
    assert started["status"] == "in_progress"  # worked at the desk
    r = await fd.client.post(
        f"/v1/complaints/{c['id']}/commitments",
        json={
            "text": "A new key card by Friday",
            "promised_by": "Ms Chan",
            "due_date": (date.today() + timedelta(days=3)).isoformat(),
        },
    )
    assert r.status_code == 201
    commitment = r.json()
    assert (await fd.client.get("/v1/commitments", params={"status": "open"})).json()["total"] == 1
    shown = (await fd.client.get(f"/v1/complaints/{c['id']}")).json()
    assert [x["id"] for x in shown["open_commitments"]] == [commitment["id"]]
    await act(fd, c["id"], "resolve", {"resolution_notes": "Card re-issued"})
    [cb] = (await fd.client.get("/v1/callbacks", params={"complaint_id": c["id"]})).json()["items"]
    r = await fd.client.post(
        f"/v1/callbacks/{cb['id']}/record", json={"reached": True, "satisfaction": 5}
    )
    assert r.status_code == 409 and r.json()["open_commitments"] == [commitment["id"]]
    assert await status_of(fd, c["id"]) == "resolved"
    r = await fd.client.post(f"/v1/commitments/{commitment['id']}/keep", json={"note": "done"})
    assert r.json()["status"] == "kept"
    assert (
        await fd.client.post(f"/v1/commitments/{commitment['id']}/withdraw", json={})
    ).status_code == 409
    r = await fd.client.post(
        f"/v1/callbacks/{cb['id']}/record", json={"reached": True, "satisfaction": 4}
    )
    assert r.status_code == 200
    assert await status_of(fd, c["id"]) == "closed"
    r = await fd.client.post(f"/v1/complaints/{c['id']}/cancel", json={"reason": "x"})
    assert r.status_code == 409 and r.json()["current_state"] == "closed"


async def test_vent_escalated_to_valid_tightens_deadlines(fd, place) -> None:
    c = await new_complaint(fd, place, channel="phone", description="Nobody listens to me")
    classified = await act(
        fd,
        c["id"],
        "classify",
        {"nature": "communication", "kind": "vent", "department": "security"},
    )
    escalated = await act(fd, c["id"], "escalate", {"reason": "handled badly twice"})
    assert escalated["nature"] == "valid" and escalated["escalated"] is True
    assert escalated["kind"] is None
    assert escalated["resolution_due"] < classified["resolution_due"]
    assert escalated["response_due"] < classified["response_due"]
    assert any(
        s["action"] == "escalated" and s["details"]["previous_kind"] == "vent"
        for s in (await fd.client.get(f"/v1/complaints/{c['id']}")).json()["timeline"]
    )
    again = await act(fd, c["id"], "escalate", {"reason": "again"}, expect=409)
    assert again["field"] == "nature"
    r = await fd.client.post(
        f"/v1/complaints/{c['id']}/classify",
        json={"nature": "communication", "kind": "vent", "department": "security"},
    )
    assert r.status_code == 422 and r.json()["field"] == "nature"
    # valid: a site visit with the department head, who then owns the task
    visit = await act(
        fd,
        c["id"],
        "site-visits",
        {
            "department_head": "Captain Wong",
            "visited_at": datetime.now(UTC).isoformat(),
            "findings": "Guard post B unstaffed at night",
        },
        expect=201,
    )
    assert visit["department_head"] == "Captain Wong"
    dispatched = await act(fd, c["id"], "dispatch")
    assert dispatched["assignee"] == "Captain Wong"
    assert "escalated" in await events_of(fd, c["id"])


async def test_reclassifying_after_dispatch_reroutes(fd, place) -> None:
    c = await new_complaint(fd, place)
    await act(fd, c["id"], "classify", {"nature": "valid", "department": "engineering"})
    await act(fd, c["id"], "dispatch")
    rerouted = await act(fd, c["id"], "classify", {"nature": "valid", "department": "cleaning"})
    assert rerouted["status"] == "dispatched" and rerouted["department"] == "cleaning"
    async with fd.ctx.db.sessions() as s:
        types = [r.type for r in (await s.scalars(select(OutboxRow).order_by(OutboxRow.seq)))]
    assert types[-3:] == [
        "propops.frontdesk.complaint.rerouted.v1",
        "propops.frontdesk.complaint.classified.v1",
        "propops.frontdesk.complaint.dispatched.v1",
    ]
    # the old department's late completion is noted, not acted on
    await task_event(fd, "completed", c["id"], department="engineering", task_id="old")
    await task_event(fd, "created", c["id"], department="cleaning", task_id="new")

    async def new_task() -> bool:
        return (await fd.client.get(f"/v1/complaints/{c['id']}")).json()["task_id"] == "new"

    await eventually(new_task, what="cleaning task recorded")
    detail = (await fd.client.get(f"/v1/complaints/{c['id']}")).json()
    assert detail["status"] == "dispatched"
    stale = next(s for s in detail["timeline"] if s["action"] == "task_completed")
    assert stale["details"]["stale"] is True


async def test_consult_answered_at_the_desk_and_invalid_input(fd, place) -> None:
    c = await new_complaint(fd, place, description="When is the water tank cleaned?")
    r = await fd.client.post(
        f"/v1/complaints/{c['id']}/classify",
        json={"nature": "communication", "department": "frontdesk"},
    )
    assert r.status_code == 422 and r.json()["field"] == "kind"
    await act(
        fd,
        c["id"],
        "classify",
        {"nature": "communication", "kind": "consult", "department": "frontdesk"},
    )
    await act(
        fd, c["id"], "confirm-identity", {"party_id": place["party"], "document_checked": False}
    )
    answered = await act(fd, c["id"], "answer", {"answer": "Every first Monday, 10:00-12:00"})
    assert answered["status"] == "answered"
    assert (await fd.client.get("/v1/callbacks", params={"complaint_id": c["id"]})).json()[
        "total"
    ] == 1
    for body, field in (
        ({"channel": "fax"}, "channel"),
        ({"description": ""}, "description"),
        ({"unit_id": "nope"}, "unit_id"),
        ({"property_id": "nope"}, "property_id"),
    ):
        r = await fd.client.post(
            "/v1/complaints",
            json={
                "property_id": place["property"],
                "channel": "walk_in",
                "description": "x",
                **body,
            },
        )
        assert r.status_code == 422 and r.json()["field"] == field, (body, r.text)
    r = await fd.client.post(
        f"/v1/complaints/{c['id']}/classify",
        json={"nature": "valid", "department": "engineering"},
        headers={"If-Match": "1"},
    )
    assert r.status_code == 412 and r.json()["field"] == "If-Match"
    assert r.json()["expected_version"] == 1 and r.json()["current_version"] > 1


async def test_payment_status_from_fees_shows_at_identity_check(fd, place) -> None:
    change = AccountStatusChanged(
        account_id="acc",
        unit_id=place["unit"],
        property_id=place["property"],
        status="arrears",
        balance_due=Decimal("1200.00"),
        overdue_amount=Decimal("800.00"),
        oldest_overdue_date=date(2026, 9, 1),
        as_of=datetime.now(UTC),
    )
    event = new_event(change, subject=place["unit"])
    await fd.ctx.bus.publish(
        subject_for(event.type, fd.settings.nats_namespace), event.to_json(), event.id
    )

    async def arrears() -> bool:
        unit = (await fd.client.get(f"/v1/units/{place['unit']}")).json()
        return unit["payment_status"]["status"] == "arrears"

    await eventually(arrears, what="payment status copied")
    c = await new_complaint(fd, place)
    confirmed = await act(
        fd, c["id"], "confirm-identity", {"party_id": place["party"], "document_checked": True}
    )
    assert confirmed["payment_status_at_identity"] == "arrears"
    assert confirmed["overdue_at_identity"] == "800.00"
    assert confirmed["payment_status"]["overdue_amount"] == "800.00"
    # arrears are shown, they do not block
    await act(
        fd,
        c["id"],
        "classify",
        {"nature": "communication", "kind": "help", "department": "engineering"},
    )
    assert (await act(fd, c["id"], "dispatch"))["status"] == "dispatched"


async def test_overdue_filter_and_one_event_per_deadline(fd, place) -> None:
    c = await new_complaint(fd, place)
    await act(
        fd,
        c["id"],
        "classify",
        {"nature": "valid", "department": "engineering", "priority": "urgent"},
    )
    assert (await fd.client.get("/v1/complaints", params={"overdue": True})).json()["total"] == 0
    later = datetime.now(UTC) + timedelta(hours=9)  # past response (1 h) and resolution (8 h)
    async with fd.ctx.db.sessions() as s:
        assert await complaints.publish_overdue(s, fd.settings, later) == 2
        await s.commit()
    async with fd.ctx.db.sessions() as s:
        assert await complaints.publish_overdue(s, fd.settings, later) == 0
        await s.commit()
    async with fd.ctx.db.sessions() as s:
        rows = (
            await s.scalars(
                select(OutboxRow).where(OutboxRow.type == "propops.frontdesk.complaint.overdue.v1")
            )
        ).all()
    assert sorted(json.loads(r.envelope)["data"]["deadline"] for r in rows) == [
        "resolution",
        "response",
    ]


async def test_lists_filter_and_rights(fd, place) -> None:
    a = await new_complaint(fd, place)
    b = await new_complaint(fd, place, unit_id=None, description="Lobby light flickers")
    await act(fd, b["id"], "classify", {"nature": "valid", "department": "engineering"})
    listed = (await fd.client.get("/v1/complaints", params={"status": "classified"})).json()
    assert [x["id"] for x in listed["items"]] == [b["id"]]
    assert (
        await fd.client.get(
            "/v1/complaints", params={"department": "engineering", "nature": "valid"}
        )
    ).json()["total"] == 1
    assert (await fd.client.get("/v1/complaints", params={"unit_id": place["unit"]})).json()[
        "total"
    ] == 1
    page = (await fd.client.get("/v1/complaints", params={"limit": 1})).json()
    assert page["total"] == 2 and len(page["items"]) == 1
    manager = {"Authorization": f"Bearer {token_for(fd.settings, 'manager')}"}
    assert (await fd.client.get(f"/v1/complaints/{a['id']}", headers=manager)).status_code == 200
    r = await fd.client.post(
        f"/v1/complaints/{a['id']}/classify",
        headers=manager,
        json={"nature": "valid", "department": "engineering"},
    )
    assert r.status_code == 403
    key = {"Idempotency-Key": "walk-in-42"}
    body = {"property_id": place["property"], "channel": "walk_in", "description": "Noise"}
    one = await fd.client.post("/v1/complaints", json=body, headers=key)
    two = await fd.client.post("/v1/complaints", json=body, headers=key)
    assert one.json()["id"] == two.json()["id"]
    assert (await fd.client.get("/v1/complaints")).json()["total"] == 3


async def test_calls_open_questions_and_complaints(fd, place) -> None:
    r = await fd.client.post(
        "/v1/calls",
        json={
            "property_id": place["property"],
            "caller_name": "Mrs Ho",
            "phone": "+85298765432",
            "party_id": place["party"],
            "unit_id": place["unit"],
            "summary": "Asks when the lift will be repaired",
            "answered_on_call": False,
        },
    )
    assert r.status_code == 201 and r.json()["phone"] == "********5432"
    call = r.json()
    assert call["status"] == "open"
    assert (await fd.client.get("/v1/calls", params={"status": "open"})).json()["total"] == 1
    r = await fd.client.post(f"/v1/calls/{call['id']}/complaint", json={})
    assert r.status_code == 201
    complaint = r.json()
    assert complaint["channel"] == "phone" and complaint["call_id"] == call["id"]
    assert complaint["description"] == "Asks when the lift will be repaired"
    assert (await fd.client.post(f"/v1/calls/{call['id']}/complaint", json={})).status_code == 409
    # turned into a complaint: no longer an open question
    assert (await fd.client.get(f"/v1/calls/{call['id']}")).json()["status"] == "complaint"
    assert (await fd.client.get("/v1/calls", params={"status": "open"})).json()["total"] == 0
    r = await fd.client.post(f"/v1/calls/{call['id']}/follow-up", json={"notes": "again"})
    assert r.status_code == 409 and "complaint" in r.json()["detail"]
    r = await fd.client.post(
        "/v1/calls",
        json={
            "property_id": place["property"],
            "caller_name": "Mr Lee",
            "phone": "+85291112222",
            "summary": "When is the water off?",
            "answered_on_call": False,
        },
    )
    other = r.json()
    r = await fd.client.post(
        f"/v1/calls/{other['id']}/follow-up", json={"notes": "Called back: Tuesday 10-12"}
    )
    assert r.json()["status"] == "followed_up"
    assert (await fd.client.get("/v1/calls", params={"status": "open"})).json()["total"] == 0
    listed = (await fd.client.get("/v1/calls", params={"status": "followed_up"})).json()
    assert [c["id"] for c in listed["items"]] == [other["id"]]
    full = (await fd.client.get(f"/v1/calls/{call['id']}")).json()
    assert full["phone"] == "+85298765432"


async def test_parties_are_masked_and_units_show_who_holds_them(fd, place) -> None:
    listed = (await fd.client.get("/v1/parties")).json()["items"][0]
    assert listed["id_number"] == "A*****67" and listed["phone"] == "********4567"
    tenant = (
        await fd.client.post(
            "/v1/parties", json={"name": "Tenant Co", "phone": "21234567", "kind": "company"}
        )
    ).json()
    today = date.today()
    for party, role, start, end in (
        (place["party"], "owner", today - timedelta(days=900), None),
        (tenant["id"], "tenant", today - timedelta(days=30), today + timedelta(days=300)),
        (tenant["id"], "resident", today - timedelta(days=900), today - timedelta(days=40)),
    ):
        r = await fd.client.post(
            "/v1/occupancies",
            json={
                "unit_id": place["unit"],
                "party_id": party,
                "role": role,
                "start_date": start.isoformat(),
                "end_date": end.isoformat() if end else None,
            },
        )
        assert r.status_code == 201, r.text
    unit = (await fd.client.get(f"/v1/units/{place['unit']}")).json()
    assert [o["name"] for o in unit["owners"]] == ["陳大文"]
    assert [(o["name"], o["role"]) for o in unit["occupants"]] == [("Tenant Co", "tenant")]
    assert unit["payment_status"]["status"] == "unknown"
    r = await fd.client.post(
        "/v1/occupancies",
        json={
            "unit_id": place["unit"],
            "party_id": tenant["id"],
            "role": "tenant",
            "start_date": "2026-05-01",
            "end_date": "2026-04-01",
        },
    )
    assert r.status_code == 422
    r = await fd.client.post(
        "/v1/occupancies",
        json={
            "unit_id": place["unit"],
            "party_id": "ghost",
            "role": "owner",
            "start_date": "2026-05-01",
        },
    )
    assert r.status_code == 422 and r.json()["field"] == "party_id"
