"""Inspections and nonconformances at the front desk: templates seeded from the manual per
property, a round's results and submit, a nonconformance per failed item, rectified by the
department's completed task (the desk's own items by the desk's word), verified (failed: back
open with a new deadline; passed: closed), overdue once per deadline; a department's cancelled
task leaves it open and flagged."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from frontdesk.app import create_app
from frontdesk.nonconformances import service as nonconformances
from frontdesk.settings import FrontdeskSettings
from propops.events import new_event
from propops.events.catalog import nonconformance_event_type, subject_for, task_event_type
from propops.events.payloads import TaskChanged
from propops.messaging.models import OutboxRow
from propops.testing.fixtures import RunningApp, eventually


@pytest.fixture
async def fd(start_service) -> RunningApp:
    app = await start_service(create_app, "frontdesk", settings_cls=FrontdeskSettings)
    assert await app.ctx.bus.wait_ready(within=15)
    return app


async def a_property(fd: RunningApp, code: str = "HKI") -> str:
    r = await fd.client.post("/v1/properties", json={"code": code, "name": code})
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def templates(fd: RunningApp, prop: str, **params: str) -> list[dict]:
    r = await fd.client.get("/v1/inspection-templates", params={"property_id": prop, **params})
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def events_of(fd: RunningApp, verb: str) -> list[OutboxRow]:
    async with fd.ctx.db.sessions() as s:
        rows = await s.scalars(
            select(OutboxRow).where(OutboxRow.type == nonconformance_event_type(verb))
        )
        return list(rows)


async def task_completed(
    fd: RunningApp, nc: dict, verb: str = "completed", notes: str = "pruned"
) -> None:
    payload = TaskChanged(
        task_id=str(uuid.uuid5(uuid.NAMESPACE_URL, nc["id"])),  # one task per nonconformance
        reference="T-2026-00001",
        department="cleaning",
        property_id=nc["property_id"],
        status=verb,
        notes=notes,
        actor="cleaner-li",
        at=datetime.now(UTC),
        kind="nonconformance",
        source_id=nc["id"],
        source_key=f"nonconformance:{nc['id']}",
    )
    event = new_event(
        payload, subject=payload.task_id, event_type=task_event_type("cleaning", verb)
    )
    await fd.ctx.bus.publish(
        subject_for(event.type, fd.settings.nats_namespace), event.to_json(), str(uuid.uuid4())
    )


async def status_of(fd: RunningApp, nc_id: str) -> str:
    return (await fd.client.get(f"/v1/nonconformances/{nc_id}")).json()["status"]


async def test_templates_are_seeded_once_per_property_and_editable(fd: RunningApp) -> None:
    prop = await a_property(fd)
    seeded = await templates(fd, prop)
    assert {t["department"] for t in seeded} == {
        "security",
        "engineering",
        "cleaning",
        "greening",
        "daily",
    }
    assert len(await templates(fd, prop)) == len(seeded)  # asked again: not seeded twice
    security = next(t for t in seeded if t["department"] == "security")
    assert [i["code"] for i in security["items"]] == ["dress", "posts", "alert"]
    assert security["items"][2]["text_en"] == "No one dozing on duty"

    items = [*security["items"], {"code": "radio", "text_zh": "對講機", "text_en": "Radios"}]
    r = await fd.client.patch(
        f"/v1/inspection-templates/{security['id']}",
        json={"items": items},
        headers={"If-Match": str(security["version"])},
    )
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == f'"{security["version"] + 1}"'
    r = await fd.client.patch(
        f"/v1/inspection-templates/{security['id']}",
        json={"name": "x"},
        headers={"If-Match": str(security["version"])},
    )
    assert r.status_code == 412  # stale
    # another property's templates are its own
    other = await a_property(fd, "HKJ")
    other_security = await templates(fd, other, department="security")
    assert len(other_security[0]["items"]) == 3

    r = await fd.client.post(
        "/v1/inspection-templates",
        json={
            "property_id": prop,
            "department": "cleaning",
            "name": "Car park",
            "items": [{"code": "a", "text_zh": "甲", "text_en": "A"}] * 2,
        },
    )
    assert r.status_code == 422 and "items" in r.text
    r = await fd.client.post(
        "/v1/inspection-templates",
        json={"property_id": prop, "department": "parking", "name": "x", "items": []},
    )
    assert r.status_code == 422


async def test_round_failed_items_become_nonconformances_and_the_loop_closes(
    fd: RunningApp,
) -> None:
    prop = await a_property(fd)
    [greening] = await templates(fd, prop, department="greening")
    r = await fd.client.post(
        "/v1/inspections",
        json={"template_id": greening["id"], "property_id": prop, "location": "Gate 2"},
    )
    assert r.status_code == 201, r.text
    round_ = r.json()
    rid = round_["id"]
    r = await fd.client.post(
        f"/v1/inspections/{rid}/results", json={"items": [{"code": "nope", "result": "pass"}]}
    )
    assert r.status_code == 422 and r.json()["field"] == "items.0.code"
    r = await fd.client.post(
        f"/v1/inspections/{rid}/results",
        json={"items": [{"code": "planting", "result": "pass", "note": None}]},
    )
    assert r.status_code == 200, r.text
    # a photo is a document of this property's archive, not archived
    photo = {"code": "planting", "result": "pass", "document_id": str(uuid.uuid4())}
    r = await fd.client.post(f"/v1/inspections/{rid}/results", json={"items": [photo]})
    assert r.status_code == 422 and r.json()["field"] == "items.0.document_id", r.text
    unit = await fd.client.post(
        "/v1/units", json={"property_id": prop, "building": "G", "number": "G-1", "floor": 0}
    )
    assert unit.status_code == 201, unit.text
    doc = await fd.client.post(
        "/v1/documents",
        data={"title": "Gate 2 planting", "category": "other", "unit_id": unit.json()["id"]},
        files={"file": ("gate2.txt", b"planting photo", "text/plain")},
    )
    assert doc.status_code == 201, doc.text
    photo["document_id"] = doc.json()["id"]
    r = await fd.client.post(f"/v1/inspections/{rid}/results", json={"items": [photo]})
    assert r.status_code == 200, r.text
    assert r.json()["results"]["planting"]["document_id"] == doc.json()["id"]
    r = await fd.client.post(f"/v1/documents/{doc.json()['id']}/archive", json={})
    assert r.status_code == 200, r.text
    r = await fd.client.post(f"/v1/inspections/{rid}/results", json={"items": [photo]})
    assert r.status_code == 422 and "archived" in r.json()["detail"]
    r = await fd.client.post(f"/v1/inspections/{rid}/submit", json={})
    assert r.status_code == 422 and r.json()["missing"] == ["maintenance"]
    r = await fd.client.post(
        f"/v1/inspections/{rid}/results",
        json={
            "items": [
                {
                    "code": "maintenance",
                    "result": "fail",
                    "note": "dead shrubs",
                    "severity": "major",
                }
            ]
        },
    )
    assert r.status_code == 200, r.text
    r = await fd.client.post(f"/v1/inspections/{rid}/submit", json={})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "submitted"
    [nc_id] = r.json()["nonconformance_ids"]
    r = await fd.client.post(f"/v1/inspections/{rid}/submit", json={})
    assert r.status_code == 409  # submitted once

    listed = (
        await fd.client.get(
            "/v1/nonconformances",
            params={"department": "greening", "status": "open", "property_id": prop},
        )
    ).json()
    assert listed["total"] == 1
    nc = listed["items"][0]
    assert nc["id"] == nc_id and nc["task_department"] == "cleaning"
    assert nc["severity"] == "major" and nc["reference"].startswith("NC-")
    assert nc["location"] == "Gate 2" and nc["note"] == "dead shrubs"
    [raised] = await events_of(fd, "raised")
    assert raised.aggregate_id == nc_id

    # not rectified yet: the check cannot be done
    r = await fd.client.post(f"/v1/nonconformances/{nc_id}/verify", json={"passed": True})
    assert r.status_code == 409

    await task_completed(fd, nc)
    await eventually(lambda: _is(fd, nc_id, "rectified"), what="rectified")
    await task_completed(fd, nc)  # a second completion event changes nothing
    r = await fd.client.post(
        f"/v1/nonconformances/{nc_id}/verify", json={"passed": False, "note": "still dead"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "open" and r.json()["verify_count"] == 1
    assert len(await events_of(fd, "verify_failed")) == 1

    await task_completed(fd, nc)
    await eventually(lambda: _is(fd, nc_id, "rectified"), what="rectified again")
    r = await fd.client.post(f"/v1/nonconformances/{nc_id}/verify", json={"passed": True})
    assert r.status_code == 200, r.text
    detail = r.json()
    assert detail["status"] == "closed"
    assert [s["action"] for s in detail["history"]] == [
        "raised",
        "rectified",
        "verify_failed",
        "rectified",
        "closed",
    ]
    assert len(await events_of(fd, "rectified")) == 2
    assert len(await events_of(fd, "closed")) == 1


async def _is(fd: RunningApp, nc_id: str, status: str) -> bool:
    return await status_of(fd, nc_id) == status


async def test_an_unrectified_nonconformance_is_overdue_once(fd: RunningApp) -> None:
    prop = await a_property(fd)
    [daily] = await templates(fd, prop, department="daily")
    rid = (
        await fd.client.post(
            "/v1/inspections", json={"template_id": daily["id"], "property_id": prop}
        )
    ).json()["id"]
    results = [{"code": i["code"], "result": "na"} for i in daily["items"]]
    results[1] = {"code": "equipment", "result": "fail", "note": "lift 2 light out"}
    r = await fd.client.post(f"/v1/inspections/{rid}/results", json={"items": results})
    assert r.status_code == 200, r.text
    [nc_id] = (await fd.client.post(f"/v1/inspections/{rid}/submit")).json()["nonconformance_ids"]
    nc = (await fd.client.get(f"/v1/nonconformances/{nc_id}")).json()
    assert nc["department"] == "engineering" and nc["task_department"] == "engineering"
    deadline = datetime.fromisoformat(nc["deadline_at"])
    assert deadline - datetime.fromisoformat(nc["created_at"]) == pytest.approx(
        timedelta(hours=72), abs=timedelta(seconds=5)
    )  # minor

    async with fd.ctx.db.sessions() as s:
        assert await nonconformances.publish_overdue(s, deadline - timedelta(minutes=1)) == 0
        assert await nonconformances.publish_overdue(s, deadline + timedelta(minutes=1)) == 1
        await s.commit()
    async with fd.ctx.db.sessions() as s:
        assert await nonconformances.publish_overdue(s, deadline + timedelta(hours=5)) == 0
        await s.commit()
    assert len(await events_of(fd, "overdue")) == 1
    listed = (await fd.client.get("/v1/nonconformances", params={"overdue": "true"})).json()
    assert [n["id"] for n in listed["items"]] == [nc_id]
    assert listed["items"][0]["overdue"] is True


async def daily_failure(fd: RunningApp, prop: str, code: str, note: str) -> str:
    """A daily round with one failed item: its nonconformance's id."""
    [daily] = await templates(fd, prop, department="daily")
    rid = (
        await fd.client.post(
            "/v1/inspections", json={"template_id": daily["id"], "property_id": prop}
        )
    ).json()["id"]
    results = [
        {"code": i["code"], "result": "fail", "note": note}
        if i["code"] == code
        else {"code": i["code"], "result": "na"}
        for i in daily["items"]
    ]
    r = await fd.client.post(f"/v1/inspections/{rid}/results", json={"items": results})
    assert r.status_code == 200, r.text
    r = await fd.client.post(f"/v1/inspections/{rid}/submit")
    assert r.status_code == 200, r.text
    [nc_id] = r.json()["nonconformance_ids"]
    return nc_id


async def test_the_desk_rectifies_its_own_item_and_only_its_own(fd: RunningApp) -> None:
    prop = await a_property(fd)
    nc_id = await daily_failure(fd, prop, "notice_boards", "lift notice out of date")
    nc = (await fd.client.get(f"/v1/nonconformances/{nc_id}")).json()
    assert nc["department"] == "frontdesk" and nc["task_department"] is None
    url = f"/v1/nonconformances/{nc_id}/rectify"

    r = await fd.client.post(url, json={"notes": "  "})
    assert r.status_code == 422 and r.json()["field"] == "notes", r.text
    r = await fd.client.post(url, json={"notes": "x"}, headers={"If-Match": "99"})
    assert r.status_code == 412, r.text
    r = await fd.client.post(
        url, json={"notes": "new notice posted"}, headers={"If-Match": str(nc["version"])}
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "rectified" and r.json()["rectified_at"]
    assert r.headers["ETag"] == f'"{nc["version"] + 1}"'
    assert r.json()["history"][-1] == {
        **r.json()["history"][-1],
        "action": "rectified",
        "note": "new notice posted",
    }
    [event] = await events_of(fd, "rectified")
    assert event.aggregate_id == nc_id
    r = await fd.client.post(url, json={"notes": "again"})
    assert r.status_code == 409 and r.json()["current_state"] == "rectified", r.text
    r = await fd.client.post(f"/v1/nonconformances/{nc_id}/verify", json={"passed": True})
    assert r.status_code == 200 and r.json()["status"] == "closed", r.text

    # a department's nonconformance is rectified by its task, not by the desk's word
    other = await daily_failure(fd, prop, "hygiene", "bins overflowing")
    r = await fd.client.post(f"/v1/nonconformances/{other}/rectify", json={"notes": "done"})
    assert r.status_code == 409 and r.json()["field"] == "task_department", r.text
    assert await status_of(fd, other) == "open"


async def test_a_failed_check_gives_a_new_deadline_that_can_be_missed_too(
    fd: RunningApp,
) -> None:
    prop = await a_property(fd)
    nc_id = await daily_failure(fd, prop, "notice_boards", "torn notice")
    first = datetime.fromisoformat(
        (await fd.client.get(f"/v1/nonconformances/{nc_id}")).json()["deadline_at"]
    )
    async with fd.ctx.db.sessions() as s:
        assert await nonconformances.publish_overdue(s, first + timedelta(minutes=1)) == 1
        await s.commit()
    r = await fd.client.post(f"/v1/nonconformances/{nc_id}/rectify", json={"notes": "replaced"})
    assert r.status_code == 200 and r.json()["overdue"] is True  # late, but rectified
    r = await fd.client.post(
        f"/v1/nonconformances/{nc_id}/verify", json={"passed": False, "note": "crooked"}
    )
    assert r.status_code == 200, r.text
    nc = r.json()
    second = datetime.fromisoformat(nc["deadline_at"])
    assert nc["status"] == "open" and second > first
    assert nc["overdue"] is False and nc["overdue_at"] is None
    [failed] = await events_of(fd, "verify_failed")
    # the department's task is reopened from this event, due by the new deadline
    assert datetime.fromisoformat(json.loads(failed.envelope)["data"]["deadline_at"]) == second

    async with fd.ctx.db.sessions() as s:
        assert await nonconformances.publish_overdue(s, second - timedelta(minutes=1)) == 0
        assert await nonconformances.publish_overdue(s, second + timedelta(minutes=1)) == 1
        await s.commit()
    async with fd.ctx.db.sessions() as s:
        assert await nonconformances.publish_overdue(s, second + timedelta(hours=5)) == 0
        await s.commit()
    assert len(await events_of(fd, "overdue")) == 2  # once per deadline
    nc = (await fd.client.get(f"/v1/nonconformances/{nc_id}")).json()
    assert nc["overdue"] is True
    assert [s["action"] for s in nc["history"]] == [
        "raised",
        "overdue",
        "rectified",
        "verify_failed",
        "overdue",
    ]


async def test_a_cancelled_task_leaves_the_nonconformance_open_and_flagged(
    fd: RunningApp,
) -> None:
    prop = await a_property(fd)
    nc_id = await daily_failure(fd, prop, "hygiene", "bins overflowing")
    nc = (await fd.client.get(f"/v1/nonconformances/{nc_id}")).json()
    assert nc["task_department"] == "cleaning" and nc["task_cancelled_at"] is None

    await task_completed(fd, nc, "cancelled", "duplicate of the bin-room work order")
    await eventually(lambda: _task_cancelled(fd, nc_id), what="marked task cancelled")
    async with fd.ctx.db.sessions() as s:  # a redelivery adds nothing
        again = TaskChanged(
            task_id=str(uuid.uuid5(uuid.NAMESPACE_URL, nc_id)),
            department="cleaning",
            property_id=prop,
            status="cancelled",
            at=datetime.now(UTC),
            kind="nonconformance",
            source_id=nc_id,
        )
        assert await nonconformances.on_task_cancelled(s, again) is None
    nc = (await fd.client.get(f"/v1/nonconformances/{nc_id}")).json()
    assert nc["status"] == "open"  # not put right: the supervisor decides
    assert [(s["action"], s["note"]) for s in nc["history"]][-1] == (
        "task_cancelled",
        "duplicate of the bin-room work order",
    )
    listed = (await fd.client.get("/v1/nonconformances", params={"task_cancelled": "true"})).json()
    assert [n["id"] for n in listed["items"]] == [nc_id]
    # nothing else will rectify it: the desk may, and the check follows as for the others
    r = await fd.client.post(
        f"/v1/nonconformances/{nc_id}/rectify", json={"notes": "desk staff emptied the bins"}
    )
    assert r.status_code == 200 and r.json()["status"] == "rectified", r.text


async def _task_cancelled(fd: RunningApp, nc_id: str) -> bool:
    nc = (await fd.client.get(f"/v1/nonconformances/{nc_id}")).json()
    return nc["task_cancelled_at"] is not None
