"""保安部 · the gate: its view of visitors and release passes from the front desk's events;
entry, exit and the check of a pass recorded once and sent back by event; an expired or
cancelled pass refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from propops.events.payloads import PassItem, ReleasePassChanged, VisitChanged
from propops.testing.events import outbox_data, publish_event
from propops.testing.fixtures import RunningApp
from propops.testing.tasks import auth
from security.app import create_app


@pytest.fixture
async def sec(start_service) -> RunningApp:
    app = await start_service(create_app, "security")
    assert await app.ctx.bus.wait_ready(within=15)
    return app


def visit(status: str = "expected", **extra: object) -> VisitChanged:
    values: dict = {
        "visit_id": "visit-1",
        "reference": "V-2026-00001",
        "property_id": "prop-1",
        "status": status,
        "visitor_name": "Wong Siu Ming",
        "id_number_masked": "K*****21",
        "purpose": "deliver documents",
        "host_unit_label": "A 12F-3",
        "visit_date": date(2026, 11, 28),
        "actor": "amy",
        "at": datetime.now(UTC),
    }
    values.update(extra)
    return VisitChanged(**values)


def a_pass(pass_id: str, status: str = "issued", hours: float = 4) -> ReleasePassChanged:
    now = datetime.now(UTC)
    return ReleasePassChanged(
        pass_id=pass_id,
        reference=f"RP-2026-{pass_id}",
        property_id="prop-1",
        unit_id="unit-1",
        unit_label="B 3F-1",
        status=status,
        requester_name="Movers Ltd",
        requester_role="tenant",
        items=[PassItem(description="sofa", quantity=1)],
        reason="moving out",
        planned_at=now - timedelta(hours=1),
        valid_until=now + timedelta(hours=hours),
        payment_status="current",
        owner_confirmed=True,
        at=now,
    )


async def test_visitors_enter_and_exit_once_at_the_gate(sec: RunningApp) -> None:
    verb = "propops.frontdesk.visit.{}.v1"
    await publish_event(sec, visit(), subject="visit-1", event_type=verb.format("registered"))
    r = await sec.client.get("/v1/gate/visitors", params={"status": "expected"})
    [row] = r.json()["items"]
    assert row["visitor_name"] == "Wong Siu Ming" and row["id_number_masked"] == "K*****21"
    assert row["identity_confirmed"] is False
    guard = auth(sec, "security", user="guard-ho")
    assert (
        await sec.client.post("/v1/gate/visitors/visit-1/exit", headers=guard)
    ).status_code == 409
    # the desk has not confirmed the identity: the guard sees a document first
    enter = "/v1/gate/visitors/visit-1/enter"
    r = await sec.client.post(enter, headers=guard)
    assert r.status_code == 409 and r.json()["field"] == "identity", r.text
    r = await sec.client.post(enter, json={"document_kind": "hkid"}, headers=guard)
    assert r.status_code == 422 and r.json()["field"] == "document_checked"
    r = await sec.client.post(enter, json={"document_checked": True}, headers=guard)
    assert r.status_code == 422 and r.json()["field"] == "document_kind"
    seen = {"document_kind": "hkid", "document_checked": True}
    r = await sec.client.post(enter, json={**seen, "document_kind": "library_card"}, headers=guard)
    assert r.status_code == 422 and r.json()["field"] == "document_kind"
    row = (await sec.client.get("/v1/gate/visitors/visit-1")).json()
    assert row["status"] == "expected" and row["identity_confirmed"] is False
    r = await sec.client.post(enter, json=seen, headers=guard)
    assert r.status_code == 200 and r.json()["status"] == "on_site"
    assert r.json()["entered_by"] == "guard-ho" and r.headers["ETag"] == '"2"'
    assert r.json()["identity_confirmed"] is True and r.json()["document_kind"] == "hkid"
    r = await sec.client.post(enter, json=seen, headers=guard)
    assert r.status_code == 409 and r.json()["current_state"] == "on_site"
    # the desk's own events about the same visit never move the gate's view backwards
    for v in ("identity_confirmed", "registered"):
        change = visit("expected", identity_confirmed=True)
        await publish_event(sec, change, subject="visit-1", event_type=verb.format(v))
    row = (await sec.client.get("/v1/gate/visitors/visit-1")).json()
    assert row["status"] == "on_site" and row["identity_confirmed"] is True
    r = await sec.client.post("/v1/gate/visitors/visit-1/exit", headers=guard)
    assert r.status_code == 200 and r.json()["status"] == "left"
    entered = await outbox_data(sec, "propops.security.gate_visit.entered.v1")
    exited = await outbox_data(sec, "propops.security.gate_visit.exited.v1")
    assert [e["status"] for e in entered] == ["on_site"] and [e["status"] for e in exited] == [
        "left"
    ]
    assert entered[0]["identity_confirmed"] is True and entered[0]["document_kind"] == "hkid"
    assert exited[0]["identity_confirmed"] is True and exited[0]["document_kind"] == "hkid"
    # a visitor the desk confirmed is let in without a document; the event does not claim one
    await publish_event(
        sec,
        visit(visit_id="visit-3", identity_confirmed=True),
        subject="visit-3",
        event_type=verb.format("identity_confirmed"),
    )
    r = await sec.client.post("/v1/gate/visitors/visit-3/enter", headers=guard)
    assert r.status_code == 200 and r.json()["document_kind"] is None, r.text
    entered = await outbox_data(sec, "propops.security.gate_visit.entered.v1")
    assert [(e["visit_id"], e["identity_confirmed"]) for e in entered] == [
        ("visit-1", True),
        ("visit-3", False),
    ]
    # a visitor the desk let in is on site at the gate too; the front desk may not act here
    await publish_event(
        sec,
        visit("on_site", visit_id="visit-2"),
        subject="visit-2",
        event_type=verb.format("arrived"),
    )
    assert (await sec.client.get("/v1/gate/visitors/visit-2")).json()["status"] == "on_site"
    clerk = auth(sec, "frontdesk", user="amy")
    r = await sec.client.post("/v1/gate/visitors/visit-2/exit", headers=clerk)
    assert r.status_code == 403
    r = await sec.client.get("/v1/gate/visitors", params={"status": "inside"})
    assert r.status_code == 422


async def test_a_pass_is_checked_once_and_expired_or_cancelled_is_refused(
    sec: RunningApp,
) -> None:
    issued = "propops.frontdesk.release_pass.issued.v1"
    cancelled = "propops.frontdesk.release_pass.cancelled.v1"
    for pass_id, hours in (("p1", 4), ("p2", -0.5), ("p3", 4)):
        await publish_event(sec, a_pass(pass_id, hours=hours), subject=pass_id, event_type=issued)
    await publish_event(sec, a_pass("p3", "cancelled"), subject="p3", event_type=cancelled)
    r = await sec.client.get("/v1/gate/release-passes", params={"status": "issued"})
    listed = {p["pass_id"]: p for p in r.json()["items"]}
    assert set(listed) == {"p1", "p2"} and listed["p2"]["expired"] is True
    assert listed["p1"]["items"] == [{"description": "sofa", "quantity": 1}]

    guard = auth(sec, "security", user="guard-ho")
    check = {"items_match": False, "notes": "an extra fridge"}
    r = await sec.client.post("/v1/gate/release-passes/p1/check", json=check, headers=guard)
    assert r.status_code == 200 and r.json()["status"] == "held", r.text
    r = await sec.client.post(
        "/v1/gate/release-passes/p1/check", json={"items_match": True}, headers=guard
    )
    assert r.status_code == 409 and r.json()["current_state"] == "held"
    r = await sec.client.post("/v1/gate/release-passes/p2/check", json=check, headers=guard)
    assert r.status_code == 409 and r.json()["field"] == "valid_until"
    r = await sec.client.post("/v1/gate/release-passes/p3/check", json=check, headers=guard)
    assert r.status_code == 409 and r.json()["current_state"] == "cancelled"
    r = await sec.client.post("/v1/gate/release-passes/p1/check", json={"notes": "x"})
    assert r.status_code == 422 and r.json()["field"] == "items_match"
    [sent] = await outbox_data(sec, "propops.security.release_pass.checked.v1")
    assert sent["outcome"] == "held" and sent["checked_by"] == "guard-ho"
    assert sent["notes"] == "an extra fridge"
    # a cancel arriving after the check does not undo it
    await publish_event(sec, a_pass("p1", "cancelled"), subject="p1", event_type=cancelled)
    assert (await sec.client.get("/v1/gate/release-passes/p1")).json()["status"] == "held"
    assert (await sec.client.get("/v1/gate/release-passes/nope")).status_code == 404
