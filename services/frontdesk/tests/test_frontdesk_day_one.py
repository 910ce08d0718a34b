"""What a clerk meets on day one at the front desk: reference numbers, a register that can be
corrected (PATCH with If-Match, move-outs, no duplicate occupancy), who to call on callback
items and in the dispatch event, phone calls that leave "open", phones masked by role, and
each property's time zone."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from frontdesk.app import create_app
from frontdesk.complaints import whereabouts
from frontdesk.complaints.models import Complaint
from frontdesk.settings import FrontdeskSettings
from propops.messaging.models import OutboxRow
from propops.testing.fixtures import RunningApp, token_for
from propops.timezones import today_in


@pytest.fixture
async def fd(start_service) -> RunningApp:
    app = await start_service(
        create_app, "frontdesk", settings_cls=FrontdeskSettings, default_time_zone="Asia/Taipei"
    )
    assert await app.ctx.bus.wait_ready(within=15)
    return app


async def created(fd: RunningApp, path: str, body: dict) -> dict:
    r = await fd.client.post(path, json=body)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
async def place(fd: RunningApp) -> dict:
    prop = await created(fd, "/v1/properties", {"code": "HKA", "name": "Harbour View"})
    unit = await created(
        fd,
        "/v1/units",
        {"property_id": prop["id"], "building": "Tower 2", "number": "12F-3", "floor": 12},
    )
    party = await created(fd, "/v1/parties", {"name": "陳大文", "phone": "+85291234567"})
    return {"property": prop["id"], "unit": unit["id"], "party": party["id"]}


def as_role(fd: RunningApp, *roles: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(fd.settings, *roles)}"}


# --- reference numbers -------------------------------------------------------------------------


async def test_complaints_get_a_reference_per_property_and_are_found_by_it(fd, place) -> None:
    year = today_in("Asia/Taipei").year  # the property's zone (here the installation default)
    other = await created(fd, "/v1/properties", {"code": "HKB", "name": "Other"})
    refs = []
    for prop in (place["property"], place["property"], other["id"], place["property"]):
        body = {"property_id": prop, "channel": "walk_in", "description": "Lift stuck"}
        refs.append((await created(fd, "/v1/complaints", body))["reference"])
    assert refs == [f"C-{year}-00001", f"C-{year}-00002", f"C-{year}-00001", f"C-{year}-00003"]
    found = (
        await fd.client.get(
            "/v1/complaints", params={"reference": refs[1], "property_id": place["property"]}
        )
    ).json()
    assert [c["reference"] for c in found["items"]] == [refs[1]]
    r = await fd.client.get("/v1/complaints", params={"reference": refs[1].lower()})
    assert r.json()["total"] == 1  # read out over the phone: case does not matter
    detail = (await fd.client.get(f"/v1/complaints/{found['items'][0]['id']}")).json()
    assert detail["reference"] == refs[1]


# --- the register ------------------------------------------------------------------------------


async def test_properties_units_and_parties_are_corrected_with_if_match(fd, place) -> None:
    r = await fd.client.get(f"/v1/properties/{place['property']}")
    assert r.headers["ETag"] == '"1"' and r.json()["time_zone"] == "Asia/Taipei"
    r = await fd.client.patch(
        f"/v1/properties/{place['property']}",
        json={"name": "Harbour View Estate", "time_zone": "Asia/Hong_Kong"},
        headers={"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Harbour View Estate" and r.json()["time_zone"] == "Asia/Hong_Kong"
    assert r.headers["ETag"] == '"2"'
    stale = await fd.client.patch(
        f"/v1/properties/{place['property']}", json={"name": "x"}, headers={"If-Match": '"1"'}
    )
    assert stale.status_code == 412 and stale.json()["current_version"] == 2
    assert (await fd.client.get(f"/v1/properties/{place['property']}")).json()["name"] == (
        "Harbour View Estate"
    )
    for body, field in (({"time_zone": "HKT"}, "time_zone"), ({"name": None}, "name")):
        r = await fd.client.patch(f"/v1/properties/{place['property']}", json=body)
        assert r.status_code == 422 and field in r.text, r.text

    r = await fd.client.patch(
        f"/v1/units/{place['unit']}",
        json={"number": "12F-4", "floor": None},
        headers={"If-Match": '"1"'},
    )
    assert r.status_code == 200 and r.json()["number"] == "12F-4" and r.json()["floor"] is None
    await created(
        fd, "/v1/units", {"property_id": place["property"], "building": "Tower 2", "number": "1"}
    )
    clash = await fd.client.patch(f"/v1/units/{place['unit']}", json={"number": "1"})
    assert clash.status_code == 409 and clash.json()["field"] == "number"
    r = await fd.client.patch(
        f"/v1/units/{place['unit']}", json={"floor": 3}, headers={"If-Match": '"1"'}
    )
    assert r.status_code == 412

    r = await fd.client.patch(
        f"/v1/parties/{place['party']}", json={"phone": "+85290000000"}, headers={"If-Match": "1"}
    )
    assert r.status_code == 200 and r.json()["phone"] == "+85290000000"
    assert (await fd.client.get(f"/v1/parties/{place['party']}")).headers["ETag"] == '"2"'
    r = await fd.client.patch(f"/v1/parties/{place['party']}", json={"phone": "call me"})
    assert r.status_code == 422 and r.json()["field"] == "phone"


async def test_a_move_out_ends_an_occupancy_and_duplicates_are_refused(fd, place) -> None:
    today = today_in("Asia/Taipei")
    body = {
        "unit_id": place["unit"],
        "party_id": place["party"],
        "role": "tenant",
        "start_date": (today - timedelta(days=100)).isoformat(),
    }
    tenancy = await created(fd, "/v1/occupancies", body)
    again = await fd.client.post(
        "/v1/occupancies", json={**body, "start_date": (today - timedelta(days=5)).isoformat()}
    )
    assert again.status_code == 409 and again.json()["occupancy_id"] == tenancy["id"]
    # the same person as owner is another role: allowed
    await created(fd, "/v1/occupancies", {**body, "role": "owner"})
    before = (await fd.client.get(f"/v1/units/{place['unit']}")).json()
    assert [o["role"] for o in before["occupants"]] == ["tenant"]

    r = await fd.client.post(
        f"/v1/occupancies/{tenancy['id']}/end",
        json={"end_date": (today - timedelta(days=200)).isoformat()},
    )
    assert r.status_code == 422 and r.json()["field"] == "end_date"
    moved_out = today - timedelta(days=2)
    r = await fd.client.post(
        f"/v1/occupancies/{tenancy['id']}/end", json={"end_date": moved_out.isoformat()}
    )
    assert r.status_code == 200 and r.json()["end_date"] == moved_out.isoformat()
    r = await fd.client.post(
        f"/v1/occupancies/{tenancy['id']}/end", json={"end_date": today.isoformat()}
    )
    assert r.status_code == 409
    after = (await fd.client.get(f"/v1/units/{place['unit']}")).json()
    assert after["occupants"] == []  # moved out
    # a new tenancy after the move-out does not overlap the ended one
    await created(fd, "/v1/occupancies", {**body, "start_date": today.isoformat()})


# --- who to call -------------------------------------------------------------------------------


async def test_dispatch_event_carries_place_and_contact(fd, place) -> None:
    c = await created(
        fd,
        "/v1/complaints",
        {
            "property_id": place["property"],
            "unit_id": place["unit"],
            "party_id": place["party"],
            "channel": "walk_in",
            "description": "Water leaking from the ceiling\nsince last night",
            "location": "bathroom",
        },
    )
    for action, body in (
        ("classify", {"nature": "communication", "kind": "help", "department": "engineering"}),
        ("confirm-identity", {"party_id": place["party"], "document_checked": True}),
        ("dispatch", {}),
    ):
        r = await fd.client.post(f"/v1/complaints/{c['id']}/{action}", json=body)
        assert r.status_code == 200, r.text
    async with fd.ctx.db.sessions() as s:
        row = await s.scalar(
            select(OutboxRow).where(
                OutboxRow.aggregate_id == c["id"],
                OutboxRow.type == "propops.frontdesk.complaint.dispatched.v1",
            )
        )
    assert row is not None
    data = json.loads(row.envelope)["data"]
    assert data["reference"] == c["reference"]
    assert data["place"] == {
        "property_name": "Harbour View",
        "property_code": "HKA",
        "time_zone": "Asia/Taipei",
        "building": "Tower 2",
        "unit_number": "12F-3",
        "floor": 12,
        "location": "bathroom",
    }
    assert data["contact"] == {"name": "陳大文", "phone": "+85291234567"}


async def test_callback_items_carry_who_to_call_and_about_what(fd, place) -> None:
    call = await created(
        fd,
        "/v1/calls",
        {
            "property_id": place["property"],
            "caller_name": "Mrs Ho",
            "phone": "+85298765432",
            "unit_id": place["unit"],
            "summary": "When is the water tank cleaned?",
            "answered_on_call": False,
        },
    )
    r = await fd.client.post(f"/v1/calls/{call['id']}/complaint", json={})
    complaint = r.json()
    for action, body in (
        ("classify", {"nature": "communication", "kind": "consult", "department": "frontdesk"}),
        ("confirm-identity", {"party_id": place["party"], "document_checked": False}),
        ("answer", {"answer": "Every first Monday"}),
    ):
        r = await fd.client.post(f"/v1/complaints/{complaint['id']}/{action}", json=body)
        assert r.status_code == 200, r.text
    # the complainant is the party confirmed at the desk
    item = (await fd.client.get("/v1/callbacks", headers=as_role(fd, "frontdesk"))).json()["items"][
        0
    ]
    assert item["complaint_reference"] == complaint["reference"]
    assert item["summary"] == "When is the water tank cleaned?"
    assert item["complainant_name"] == "陳大文"
    assert item["complainant_phone"] == "+85291234567"  # the clerk dials it
    manager = (await fd.client.get("/v1/callbacks", headers=as_role(fd, "manager"))).json()
    assert manager["items"][0]["complainant_phone"] == "********4567"


async def test_a_call_without_a_party_is_called_back_on_its_own_number(fd, place) -> None:
    call = await created(
        fd,
        "/v1/calls",
        {
            "property_id": place["property"],
            "caller_name": "Mr Lee",
            "phone": "+85291112222",
            "summary": "Asks about the gym",
            "answered_on_call": False,
        },
    )
    complaint = (await fd.client.post(f"/v1/calls/{call['id']}/complaint", json={})).json()
    async with fd.ctx.db.sessions() as s:
        contact = await whereabouts.contact_of(s, await s.get(Complaint, complaint["id"]))
    assert contact is not None and (contact.name, contact.phone) == ("Mr Lee", "+85291112222")


async def test_one_call_shows_the_phone_in_full_only_to_who_dials_it(fd, place) -> None:
    call = await created(
        fd,
        "/v1/calls",
        {
            "property_id": place["property"],
            "caller_name": "Mrs Ho",
            "phone": "+85298765432",
            "summary": "Noise upstairs",
            "answered_on_call": True,
        },
    )
    path = f"/v1/calls/{call['id']}"
    assert (await fd.client.get(path, headers=as_role(fd, "frontdesk"))).json()[
        "phone"
    ] == "+85298765432"
    assert (await fd.client.get(path, headers=as_role(fd, "manager"))).json()[
        "phone"
    ] == "********5432"
