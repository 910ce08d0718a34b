"""Paid services at the front desk: the price list, quotes priced from it (money as decimal
strings), accept / cancel / sign-off through the life cycle with their events, engineering's
work order coming back, the callback the sign-off opens, and bad input naming the field."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from frontdesk.app import create_app
from frontdesk.paid_services import service as paid_services
from frontdesk.settings import FrontdeskSettings
from propops.events import new_event
from propops.events.catalog import subject_for, task_event_type
from propops.events.payloads import TaskChanged
from propops.messaging.models import OutboxRow
from propops.testing.fixtures import RunningApp, eventually


@pytest.fixture
async def fd(start_service) -> RunningApp:
    app = await start_service(create_app, "frontdesk", settings_cls=FrontdeskSettings)
    assert await app.ctx.bus.wait_ready(within=15)
    return app


async def post(fd: RunningApp, path: str, body: dict, status: int = 201) -> dict:
    r = await fd.client.post(path, json=body)
    assert r.status_code == status, r.text
    return r.json()


@pytest.fixture
async def place(fd: RunningApp) -> dict:
    prop = await post(fd, "/v1/properties", {"code": "HKA", "name": "Harbour Court"})
    unit = await post(
        fd, "/v1/units", {"property_id": prop["id"], "building": "A", "number": "8F-1"}
    )
    owner = await post(fd, "/v1/parties", {"name": "陳大文", "phone": "+85291234567"})
    stranger = await post(fd, "/v1/parties", {"name": "李四", "phone": "+85290000000"})
    start = (date.today() - timedelta(days=400)).isoformat()
    await post(
        fd,
        "/v1/occupancies",
        {"unit_id": unit["id"], "party_id": owner["id"], "role": "owner", "start_date": start},
    )
    for code, name, price in (("TAP", "Replace a tap washer", "120.00"), ("HR", "Labour", "85.50")):
        await post(
            fd,
            "/v1/paid-service-items",
            {"property_id": prop["id"], "code": code, "name": name, "unit_price": price},
        )
    return {
        "property": prop["id"],
        "unit": unit["id"],
        "owner": owner["id"],
        "other": stranger["id"],
    }


def quote_body(place: dict, **extra: object) -> dict:
    return {
        "unit_id": place["unit"],
        "party_id": place["owner"],
        "lines": [{"item_code": "TAP", "quantity": 2}, {"item_code": "HR", "quantity": "1.5"}],
        "notes": "Kitchen tap drips",
        **extra,
    }


async def outbox_types(fd: RunningApp) -> list[str]:
    async with fd.ctx.db.sessions() as session:
        return [t for t in (await session.scalars(select(OutboxRow.type))).all() if "paid" in t]


async def work_order_event(fd: RunningApp, paid_id: str, verb: str, msg_id: str | None = None):
    """Engineering's work order event for the paid service, over real NATS."""
    task = TaskChanged(
        task_id="wo-1",
        reference="W-2026-00001",
        department="engineering",
        property_id="p",
        status=verb,
        notes="washer replaced" if verb == "completed" else None,
        kind="paid_service",
        source_id=paid_id,
        at=datetime.now(UTC),
    )
    event = new_event(task, subject="wo-1", event_type=task_event_type("engineering", verb))
    await fd.ctx.bus.publish(
        subject_for(event.type, fd.settings.nats_namespace), event.to_json(), msg_id or event.id
    )


async def complete_work_order(fd: RunningApp, paid_id: str) -> None:
    """What engineering's completed work order does at the desk (the handler's rule)."""
    async with fd.ctx.db.sessions() as session:
        await paid_services.work_order_completed(
            session, paid_id, "wo-1", "W-2026-00001", "washer replaced", datetime.now(UTC)
        )
        await session.commit()


async def status_of(fd: RunningApp, paid_id: str, status: str) -> dict:
    async def check() -> dict:
        paid = (await fd.client.get(f"/v1/paid-services/{paid_id}")).json()
        assert paid["status"] == status, paid["status"]
        return paid

    return await eventually(check, what=f"paid service {status}")


async def test_quote_accept_complete_sign_off(fd: RunningApp, place: dict) -> None:
    paid = await post(fd, "/v1/paid-services", quote_body(place))
    assert paid["status"] == "quoted" and paid["reference"].startswith("PS-")
    assert paid["total"] == "368.25"  # 2 x 120.00 + 1.5 x 85.50
    assert [line["amount"] for line in paid["lines"]] == ["240.00", "128.25"]
    pid = paid["id"]
    r = await fd.client.post(
        f"/v1/paid-services/{pid}/sign-off",
        json={"signed_by_party_id": place["owner"], "satisfied": True},
    )
    assert r.status_code == 409 and r.json()["current_state"] == "quoted"
    r = await fd.client.post(f"/v1/paid-services/{pid}/accept", headers={"If-Match": '"1"'})
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert await outbox_types(fd) == ["propops.frontdesk.paid_service.accepted.v1"]

    # engineering's work order: made, then completed (the completion delivered twice)
    await work_order_event(fd, pid, "created")
    await work_order_event(fd, pid, "completed")
    await work_order_event(fd, pid, "completed", msg_id=str(uuid.uuid4()))
    done = await status_of(fd, pid, "completed")
    assert done["work_order_reference"] == "W-2026-00001"
    assert done["completion_notes"] == "washer replaced"
    r = await fd.client.post(f"/v1/paid-services/{pid}/cancel", json={"reason": "too late"})
    assert r.status_code == 409 and r.json()["current_state"] == "completed"
    r = await fd.client.post(
        f"/v1/paid-services/{pid}/sign-off",
        json={"signed_by_party_id": place["other"], "satisfied": True},
    )
    assert r.status_code == 422 and r.json()["field"] == "signed_by_party_id"
    r = await fd.client.post(
        f"/v1/paid-services/{pid}/sign-off",
        json={"signed_by_party_id": place["owner"], "satisfied": True, "comment": "good"},
    )
    assert r.status_code == 200 and r.json()["status"] == "signed_off"
    assert (await outbox_types(fd))[-1] == "propops.frontdesk.paid_service.signed_off.v1"

    # the callback: with the resident to call and what about
    r = await fd.client.get("/v1/callbacks", params={"paid_service_id": pid})
    [callback] = r.json()["items"]
    assert callback["paid_service_reference"] == paid["reference"]
    assert callback["complainant_name"] == "陳大文" and callback["complaint_id"] is None
    r = await fd.client.post(
        f"/v1/callbacks/{callback['id']}/record", json={"reached": True, "satisfaction": 5}
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "done" and r.json()["outcome"] == "closed"
    r = await fd.client.get(f"/v1/paid-services/{pid}")
    assert [s["action"] for s in r.json()["history"]] == [
        "quoted",
        "accepted",
        "work_order_created",
        "completed",
        "signed_off",
        "callback_opened",
        "callback_recorded",
    ]


async def test_cancel_and_bad_quotes(fd: RunningApp, place: dict) -> None:
    quoted = await post(fd, "/v1/paid-services", quote_body(place))
    r = await fd.client.post(f"/v1/paid-services/{quoted['id']}/cancel", json={"reason": "no"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert await outbox_types(fd) == []  # no work order to cancel
    accepted = await post(fd, "/v1/paid-services", quote_body(place))
    await post(fd, f"/v1/paid-services/{accepted['id']}/accept", {}, 200)
    r = await fd.client.post(f"/v1/paid-services/{accepted['id']}/cancel", json={"reason": "x"})
    assert r.status_code == 200
    assert (await outbox_types(fd))[-1] == "propops.frontdesk.paid_service.cancelled.v1"
    await complete_work_order(fd, accepted["id"])  # too late: it stays cancelled
    r = await fd.client.get(f"/v1/paid-services/{accepted['id']}")
    assert r.json()["status"] == "cancelled"
    r = await fd.client.get("/v1/paid-services", params={"status": "cancelled", "q": "ps-"})
    assert r.json()["total"] == 2

    for extra, field in (
        ({"unit_id": "nope"}, "unit_id"),
        ({"party_id": place["other"]}, "party_id"),
        ({"lines": [{"item_code": "NOPE", "quantity": 1}]}, "lines.0.item_code"),
        ({"lines": [{"item_code": "TAP", "quantity": 0}]}, "lines.0.quantity"),
        ({"lines": [{"item_code": "TAP", "quantity": 1}] * 2}, "lines.1.item_code"),
        ({"lines": []}, "lines"),
    ):
        r = await fd.client.post("/v1/paid-services", json=quote_body(place, **extra))
        assert r.status_code == 422, r.text
        problem = r.json()
        named = {problem.get("field")} | {e.get("field") for e in problem.get("errors") or []}
        assert field in named, problem
    assert (await fd.client.get("/v1/paid-services")).json()["total"] == 2

    # --- the price list: a duplicate code, a float price, a new price, an item taken off
    r = await fd.client.get("/v1/paid-service-items", params={"property_id": place["property"]})
    items = r.json()["items"]
    assert [(i["code"], i["unit_price"]) for i in items] == [("HR", "85.50"), ("TAP", "120.00")]
    body = {"property_id": place["property"], "code": "TAP", "name": "x", "unit_price": "1.00"}
    r = await fd.client.post("/v1/paid-service-items", json=body)
    assert r.status_code == 409 and r.json()["field"] == "code"
    r = await fd.client.post("/v1/paid-service-items", json={**body, "unit_price": 12.5})
    assert r.status_code == 422  # money is a decimal string, never a float
    tap = items[1]
    r = await fd.client.patch(
        f"/v1/paid-service-items/{tap['id']}",
        json={"unit_price": "130.00"},
        headers={"If-Match": '"1"'},
    )
    assert r.status_code == 200 and r.json()["unit_price"] == "130.00"
    assert r.headers["ETag"] == '"2"'
    r = await fd.client.patch(
        f"/v1/paid-service-items/{tap['id']}", json={"active": False}, headers={"If-Match": '"1"'}
    )
    assert r.status_code == 412
    r = await fd.client.patch(f"/v1/paid-service-items/{tap['id']}", json={"active": False})
    assert r.status_code == 200
    r = await fd.client.post("/v1/paid-services", json=quote_body(place))
    assert r.status_code == 422 and r.json()["field"] == "lines.0.item_code"
