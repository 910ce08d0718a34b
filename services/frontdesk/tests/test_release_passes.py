"""Release passes at the front desk: the requester's hold on the unit, the payment status on
the pass, the owner's confirmation, a manager's override of arrears, issue (409 naming what is
missing), cancel, and the gate's check coming back once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from frontdesk.app import create_app
from frontdesk.settings import FrontdeskSettings
from propops.events.payloads import AccountStatusChanged, ReleasePassChecked
from propops.testing.events import outbox_data, publish_event
from propops.testing.fixtures import RunningApp
from propops.testing.tasks import auth

ISSUED = "propops.frontdesk.release_pass.issued.v1"


@pytest.fixture
async def fd(start_service) -> RunningApp:
    app = await start_service(create_app, "frontdesk", settings_cls=FrontdeskSettings)
    assert await app.ctx.bus.wait_ready(within=15)
    return app


async def post(fd: RunningApp, path: str, body: dict) -> dict:
    r = await fd.client.post(path, json=body)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
async def place(fd: RunningApp) -> dict:
    prop = await post(fd, "/v1/properties", {"code": "HKR", "name": "Riverside"})
    unit = await post(
        fd, "/v1/units", {"property_id": prop["id"], "building": "B", "number": "3F-1"}
    )
    people = {}
    for key, name in (("owner", "Chan Tai Man"), ("tenant", "Movers Ltd"), ("stranger", "Ho")):
        people[key] = (await post(fd, "/v1/parties", {"name": name, "phone": "91234567"}))["id"]
    since = (date.today() - timedelta(days=400)).isoformat()
    for role in ("owner", "tenant"):
        await post(
            fd,
            "/v1/occupancies",
            {"unit_id": unit["id"], "party_id": people[role], "role": role, "start_date": since},
        )
    return {"property": prop["id"], "unit": unit["id"], **people}


def pass_body(place: dict, requester: str, **extra: object) -> dict:
    planned = datetime.now(UTC) + timedelta(hours=2)
    return {
        "unit_id": place["unit"],
        "requester_party_id": place[requester],
        "items": [{"description": "sofa", "quantity": 1}, {"description": "boxes", "quantity": 12}],
        "reason": "moving out",
        "planned_at": planned.isoformat(),
        **extra,
    }


async def act(fd: RunningApp, p: dict, action: str, body: dict | None = None, **kw):
    return await fd.client.post(f"/v1/release-passes/{p['id']}/{action}", json=body, **kw)


def checked(p: dict, outcome: str) -> ReleasePassChecked:
    return ReleasePassChecked(
        pass_id=p["id"],
        property_id=p["property_id"],
        outcome=outcome,
        items_match=outcome == "released",
        notes="all there" if outcome == "released" else "one box more",
        checked_by="guard-ho",
        at=datetime.now(UTC),
    )


async def test_an_owners_pass_is_issued_and_released_once(fd: RunningApp, place: dict) -> None:
    p = await post(fd, "/v1/release-passes", pass_body(place, "owner"))
    assert p["status"] == "requested" and p["reference"].startswith("RP-")
    assert p["requester_role"] == "owner" and p["owner_confirmation_needed"] is False
    assert p["payment_status"] == "unknown" and p["missing"] == [] and p["unit_label"] == "B 3F-1"
    r = await act(fd, p, "issue", headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "issued" and r.json()["issued_by"] == "test-user"
    [event] = await outbox_data(fd, ISSUED)
    assert event["reference"] == p["reference"] and event["items"][1] == {
        "description": "boxes",
        "quantity": 12,
    }
    r = await act(fd, p, "issue")
    assert r.status_code == 409 and r.json()["current_state"] == "issued"
    for _ in range(2):  # a replayed check changes nothing
        await publish_event(fd, checked(p, "released"), subject=p["id"])
    got = (await fd.client.get(f"/v1/release-passes/{p['id']}")).json()
    assert got["status"] == "released" and got["checked_by"] == "guard-ho"
    assert got["items_match"] is True and got["check_notes"] == "all there"
    assert [s["action"] for s in got["steps"]] == ["requested", "issued", "released"]
    # a late "held" for a pass already released is ignored too
    await publish_event(fd, checked(p, "held"), subject=p["id"])
    assert (await fd.client.get(f"/v1/release-passes/{p['id']}")).json()["status"] == "released"
    r = await fd.client.get("/v1/release-passes", params={"status": "released"})
    assert [x["id"] for x in r.json()["items"]] == [p["id"]]
    r = await fd.client.get("/v1/release-passes", params={"q": p["reference"]})
    assert r.json()["total"] == 1


async def test_a_tenant_needs_the_owner_and_arrears_a_manager(fd: RunningApp, place: dict) -> None:
    arrears = AccountStatusChanged(
        account_id="acc",
        unit_id=place["unit"],
        property_id=place["property"],
        status="arrears",
        balance_due=Decimal("3200.00"),
        overdue_amount=Decimal("2400.00"),
        as_of=datetime.now(UTC),
    )
    await publish_event(fd, arrears, subject=place["unit"])
    p = await post(fd, "/v1/release-passes", pass_body(place, "tenant"))
    assert p["requester_role"] == "tenant" and p["owner_confirmation_needed"] is True
    assert p["payment_status"] == "arrears" and p["overdue_amount"] == "2400.00"
    assert p["missing"] == ["owner_confirmation", "override"]
    r = await act(fd, p, "issue")
    assert r.status_code == 409 and r.json()["missing"] == ["owner_confirmation", "override"]
    assert r.json()["field"] == "owner_confirmation" and "arrears" in r.json()["detail"]

    r = await act(
        fd, p, "owner-confirmation", {"owner_party_id": place["tenant"], "method": "phone"}
    )
    assert r.status_code == 422 and r.json()["field"] == "owner_party_id"
    r = await act(fd, p, "owner-confirmation", {"owner_party_id": place["owner"], "method": "fax"})
    assert r.status_code == 422 and r.json()["field"] == "method"
    r = await act(
        fd,
        p,
        "owner-confirmation",
        {"owner_party_id": place["owner"], "method": "phone", "notes": "called 9123 4567"},
    )
    assert r.status_code == 200 and r.json()["owner_name"] == "Chan Tai Man"
    assert r.json()["missing"] == ["override"]

    clerk = auth(fd, "frontdesk", user="amy")
    manager = auth(fd, "manager", user="boss")
    r = await act(fd, p, "override", {"reason": "agreed plan"}, headers=clerk)
    assert r.status_code == 403
    r = await act(fd, p, "override", {"reason": ""}, headers=manager)
    assert r.status_code == 422 and r.json()["field"] == "reason"
    r = await act(fd, p, "override", {"reason": "payment plan signed"}, headers=manager)
    assert r.status_code == 200, r.text
    assert r.json()["override_by"] == "boss" and r.json()["missing"] == []
    assert (await act(fd, p, "issue", headers=manager)).status_code == 403  # managers read
    r = await act(fd, p, "issue", headers=clerk)
    assert r.status_code == 200 and r.json()["override_reason"] == "payment plan signed"
    [event] = await outbox_data(fd, ISSUED)
    assert event["override_reason"] == "payment plan signed" and event["owner_confirmed"]
    assert [s["action"] for s in r.json()["steps"]] == [
        "requested",
        "owner_confirmed",
        "arrears_overridden",
        "issued",
    ]
    r = await act(fd, p, "cancel", {"reason": "moving postponed"}, headers=clerk)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert len(await outbox_data(fd, "propops.frontdesk.release_pass.cancelled.v1")) == 1
    await publish_event(fd, checked(p, "released"), subject=p["id"])  # too late: cancelled
    assert (await fd.client.get(f"/v1/release-passes/{p['id']}")).json()["status"] == "cancelled"


async def test_bad_passes_are_refused_naming_the_field(fd: RunningApp, place: dict) -> None:
    body = pass_body(place, "owner")
    for bad, field in (
        ({"requester_party_id": place["stranger"]}, "requester_party_id"),
        ({"requester_party_id": "nobody"}, "requester_party_id"),
        ({"unit_id": "nowhere"}, "unit_id"),
        ({"items": []}, "items"),
        ({"items": [{"description": "tv", "quantity": 0}]}, "items.0.quantity"),
        ({"valid_until": "2020-01-01T00:00:00Z"}, None),
        ({"planned_at": "2020-01-01T00:00:00Z"}, "valid_until"),
    ):
        r = await fd.client.post("/v1/release-passes", json={**body, **bad})
        assert r.status_code in (404, 422), (bad, r.text)
        if field is not None:
            assert r.json()["field"] == field, (bad, r.text)
    limited = auth(fd, "frontdesk", user="amy", property_ids=["elsewhere"])
    r = await fd.client.post("/v1/release-passes", json=body, headers=limited)
    assert r.status_code == 403 and r.json()["field"] == "property_id"
    p = await post(fd, "/v1/release-passes", body)
    r = await act(fd, p, "override", {"reason": "x"}, headers={"If-Match": '"9"'})
    assert r.status_code == 412 and r.json()["current_version"] == 1
    assert (await act(fd, p, "cancel", {})).json()["status"] == "cancelled"
    r = await act(fd, p, "issue")
    assert r.status_code == 409 and r.json()["current_state"] == "cancelled"
    assert await outbox_data(fd, "propops.frontdesk.release_pass.cancelled.v1") == []
