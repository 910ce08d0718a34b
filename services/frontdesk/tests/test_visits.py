"""Visitors at the front desk: register, identity, arrived, left; the list by day in the
property's time zone; ID numbers masked; the gate's entry and exit coming back once."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from frontdesk.app import create_app
from frontdesk.settings import FrontdeskSettings
from propops.events.payloads import GateVisitMoved
from propops.testing.events import outbox_data, publish_event
from propops.testing.fixtures import RunningApp
from propops.testing.tasks import auth
from propops.timezones import today_in, zone

VISIT = "propops.frontdesk.visit.{}.v1"
HONG_KONG = "Asia/Hong_Kong"


@pytest.fixture
async def fd(start_service) -> RunningApp:
    app = await start_service(create_app, "frontdesk", settings_cls=FrontdeskSettings)
    assert await app.ctx.bus.wait_ready(within=15)
    return app


@pytest.fixture
async def place(fd: RunningApp) -> dict:
    prop = (
        await fd.client.post(
            "/v1/properties",
            json={"code": "HKV", "name": "Harbour View", "time_zone": "Asia/Hong_Kong"},
        )
    ).json()
    unit = (
        await fd.client.post(
            "/v1/units", json={"property_id": prop["id"], "building": "A", "number": "12F-3"}
        )
    ).json()
    return {"property": prop["id"], "unit": unit["id"]}


async def register(fd: RunningApp, place: dict, **extra: object) -> dict:
    body = {
        "property_id": place["property"],
        "visitor_name": "Wong Siu Ming",
        "phone": "+852 9876 5432",
        "id_number": "K7654321",
        "purpose": "deliver documents",
        "host_unit_id": place["unit"],
        **extra,
    }
    r = await fd.client.post("/v1/visits", json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def step(fd: RunningApp, visit: dict, action: str, body: dict | None = None, **kw):
    return await fd.client.post(f"/v1/visits/{visit['id']}/{action}", json=body, **kw)


async def test_a_visit_from_registration_to_departure(fd: RunningApp, place: dict) -> None:
    # 04:30 tomorrow in Hong Kong is 20:30 UTC the day before: the visit is on tomorrow's
    # date there, whatever the hour the test runs at
    tomorrow = today_in(HONG_KONG) + timedelta(days=1)
    expected_at = datetime.combine(tomorrow, time(4, 30), tzinfo=zone(HONG_KONG))
    assert expected_at.astimezone(UTC).date() < tomorrow
    visit = await register(fd, place, expected_at=expected_at.astimezone(UTC).isoformat())
    assert visit["status"] == "expected" and visit["reference"].startswith("V-")
    assert visit["id_number"] == "K*****21" and visit["phone"] == "+852 9876 5432"
    assert visit["host_unit_label"] == "A 12F-3" and visit["visit_date"] == tomorrow.isoformat()
    [told] = await outbox_data(fd, VISIT.format("registered"))
    assert told["id_number_masked"] == "K*****21" and "K7654321" not in str(told)
    assert told["host_unit_label"] == "A 12F-3" and told["purpose"] == "deliver documents"

    r = await step(fd, visit, "arrived")
    assert r.status_code == 409 and r.json()["field"] == "identity"
    r = await step(
        fd, visit, "confirm-identity", {"document_kind": "hkid", "document_checked": False}
    )
    assert r.status_code == 422 and r.json()["field"] == "document_checked"
    r = await step(
        fd, visit, "confirm-identity", {"document_kind": "card", "document_checked": True}
    )
    assert r.status_code == 422 and r.json()["field"] == "document_kind"
    r = await step(
        fd,
        visit,
        "confirm-identity",
        {"document_kind": "hkid", "document_checked": True},
        headers={"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["identity_confirmed_by"] == "test-user" and r.headers["ETag"] == '"2"'
    r = await step(fd, visit, "arrived", headers={"If-Match": '"1"'})
    assert r.status_code == 412 and r.json()["current_version"] == 2
    assert (await step(fd, visit, "arrived", headers={"If-Match": '"2"'})).status_code == 200
    r = await step(fd, visit, "left")
    assert r.status_code == 200 and r.json()["status"] == "left"
    r = await step(fd, visit, "left")
    assert r.status_code == 409 and r.json()["current_state"] == "left"
    assert [s["action"] for s in r.json().get("steps", [])] == []
    detail = (await fd.client.get(f"/v1/visits/{visit['id']}")).json()
    assert [s["action"] for s in detail["steps"]] == [
        "registered",
        "identity_confirmed",
        "arrived",
        "left",
    ]
    for verb in ("identity_confirmed", "arrived", "left"):
        assert len(await outbox_data(fd, VISIT.format(verb))) == 1, verb

    # the day's list, in the property's time zone (the other visit is expected now: today)
    other = await register(
        fd, place, visitor_name="Lee", host_unit_id=None, host_department="engineering"
    )
    assert other["host_department"] == "engineering"
    r = await fd.client.get(
        "/v1/visits", params={"date": tomorrow.isoformat(), "property_id": place["property"]}
    )
    assert [v["id"] for v in r.json()["items"]] == [visit["id"]]
    assert r.json()["items"][0]["id_number"] == "K*****21"
    r = await fd.client.get("/v1/visits", params={"status": "expected"})
    assert [v["id"] for v in r.json()["items"]] == [other["id"]]
    assert (await fd.client.get("/v1/visits", params={"q": "siu ming"})).json()["total"] == 1
    # a manager reads, phones masked; cannot act
    manager = auth(fd, "manager", user="boss")
    r = await fd.client.get(f"/v1/visits/{other['id']}", headers=manager)
    assert r.json()["phone"] == "**********5432"
    assert (await step(fd, other, "cancel", {}, headers=manager)).status_code == 403
    r = await step(fd, other, "cancel", {"note": "host is away"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"


async def test_bad_visits_are_refused_naming_the_field(fd: RunningApp, place: dict) -> None:
    base = {"property_id": place["property"], "visitor_name": "X", "purpose": "p"}
    for body, status, field in (
        ({**base, "property_id": "nope"}, 422, "property_id"),
        ({**base, "host_unit_id": "nope"}, 422, "host_unit_id"),
        ({**base, "host_department": "kitchen"}, 422, "host_department"),
        ({**base, "visitor_name": ""}, 422, "visitor_name"),
        ({**base, "expected_at": "tomorrow"}, 422, "expected_at"),
    ):
        r = await fd.client.post("/v1/visits", json=body)
        assert r.status_code == status and r.json()["field"] == field, (body, r.text)
    r = await fd.client.post(
        "/v1/visits", json={**base, "host_unit_id": place["unit"], "host_department": "security"}
    )
    assert r.status_code == 422
    limited = auth(fd, "frontdesk", user="amy", property_ids=["elsewhere"])
    r = await fd.client.post("/v1/visits", json=base, headers=limited)
    assert r.status_code == 403 and r.json()["field"] == "property_id"
    r = await fd.client.get("/v1/visits", params={"status": "gone"})
    assert r.status_code == 422 and "on_site" in r.text
    r = await fd.client.get("/v1/visits", params={"colour": "red"})
    assert r.status_code == 400 and r.json()["field"] == "colour"
    r = await fd.client.get("/v1/visits/nope")
    assert r.status_code == 404 and r.json()["field"] == "visit_id"


async def test_an_identity_confirmed_at_the_gate_is_recorded_on_the_visit(
    fd: RunningApp, place: dict
) -> None:
    unconfirmed, confirmed = await register(fd, place), await register(fd, place)
    r = await step(
        fd, confirmed, "confirm-identity", {"document_kind": "hkid", "document_checked": True}
    )
    assert r.status_code == 200, r.text
    entered = "propops.security.gate_visit.entered.v1"
    for visit in (unconfirmed, unconfirmed, confirmed):  # the first one replayed
        move = GateVisitMoved(
            visit_id=visit["id"],
            property_id=place["property"],
            status="on_site",
            actor="guard-ho",
            at=datetime.now(UTC),
            identity_confirmed=True,
            document_kind="passport",
        )
        await publish_event(fd, move, subject=visit["id"], event_type=entered)
    got = (await fd.client.get(f"/v1/visits/{unconfirmed['id']}")).json()
    assert got["status"] == "on_site" and got["document_checked"] is True
    assert got["document_kind"] == "passport" and got["identity_confirmed_by"] == "guard-ho"
    assert [(s["action"], s["source"], s["actor"]) for s in got["steps"]] == [
        ("registered", "desk", "test-user"),
        ("identity_confirmed", "gate", "guard-ho"),
        ("arrived", "gate", "guard-ho"),
    ]
    # the exit's event first (the entry's on its way): the identity is recorded all the same
    late = await register(fd, place)
    exited = "propops.security.gate_visit.exited.v1"
    move = GateVisitMoved(
        visit_id=late["id"],
        property_id=place["property"],
        status="left",
        actor="guard-ho",
        at=datetime.now(UTC),
        identity_confirmed=True,
        document_kind="hkid",
    )
    await publish_event(fd, move, subject=late["id"], event_type=exited)
    got = (await fd.client.get(f"/v1/visits/{late['id']}")).json()
    assert got["status"] == "left" and got["identity_confirmed_by"] == "guard-ho"
    assert [s["action"] for s in got["steps"]] == [
        "registered",
        "identity_confirmed",
        "arrived",
        "left",
    ]
    # the desk's own check stands
    got = (await fd.client.get(f"/v1/visits/{confirmed['id']}")).json()
    assert got["document_kind"] == "hkid" and got["identity_confirmed_by"] == "test-user"
    assert [s["action"] for s in got["steps"]] == ["registered", "identity_confirmed", "arrived"]


async def test_the_gates_entry_and_exit_move_the_visit_once(fd: RunningApp, place: dict) -> None:
    visit = await register(fd, place)

    def moved(status: str) -> GateVisitMoved:
        return GateVisitMoved(
            visit_id=visit["id"],
            property_id=place["property"],
            status=status,
            actor="guard-ho",
            at=datetime.now(UTC),
        )

    entered = "propops.security.gate_visit.entered.v1"
    await publish_event(fd, moved("on_site"), subject=visit["id"], event_type=entered)
    await publish_event(fd, moved("on_site"), subject=visit["id"], event_type=entered)  # replayed
    got = (await fd.client.get(f"/v1/visits/{visit['id']}")).json()
    assert got["status"] == "on_site" and got["arrived_at"] is not None
    exited = "propops.security.gate_visit.exited.v1"
    for _ in range(2):
        await publish_event(fd, moved("left"), subject=visit["id"], event_type=exited)
    got = (await fd.client.get(f"/v1/visits/{visit['id']}")).json()
    assert got["status"] == "left"
    assert [(s["action"], s["source"], s["actor"]) for s in got["steps"]] == [
        ("registered", "desk", "test-user"),
        ("arrived", "gate", "guard-ho"),
        ("left", "gate", "guard-ho"),
    ]
    assert len(await outbox_data(fd, VISIT.format("arrived"))) == 1
    # a visit the desk never had is ignored, not retried
    ghost = GateVisitMoved(
        visit_id="ghost", property_id=place["property"], status="left", at=datetime.now(UTC)
    )
    await publish_event(fd, ghost, subject="ghost", event_type=exited)
