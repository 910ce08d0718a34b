"""A work order carries what the technician needs without asking the front desk: its own
reference (W-2026-00001), the complaint's, the place and who to call (the phone in full)."""

from __future__ import annotations

import uuid

import pytest

from engineering.app import create_app
from propops.events.payloads import Contact, Place
from propops.testing.fixtures import RunningApp
from propops.testing.tasks import auth, complaint, one_task, publish, task_events
from propops.timezones import today_in

PATH = "workorders"
DEPT = "engineering"


@pytest.fixture
async def eng(start_service) -> RunningApp:
    app = await start_service(create_app, DEPT)
    assert await app.ctx.bus.wait_ready(within=15)
    return app


async def test_a_work_order_says_where_to_go_and_who_to_call(eng: RunningApp) -> None:
    place = Place(
        property_name="Harbour View",
        property_code="HKA",
        time_zone="Pacific/Kiritimati",
        building="Tower 2",
        unit_number="12F-3",
        floor=12,
        location="bathroom ceiling",
    )
    contact = Contact(name="陳大文", phone="+85291234567")
    orders = []
    for n in (1, 2):
        c = complaint(DEPT, reference=f"C-2026-0000{n}", place=place, contact=contact)
        await publish(eng, c, "dispatched", subject=c.complaint_id)
        orders.append(await one_task(eng, PATH, c.complaint_id))
    year = today_in("Pacific/Kiritimati").year  # the property's year
    assert [o["reference"] for o in orders] == [f"W-{year}-00001", f"W-{year}-00002"]
    tech = auth(eng, "engineering")
    r = await eng.client.get(
        f"/v1/{PATH}", params={"reference": orders[1]["reference"]}, headers=tech
    )
    assert [o["id"] for o in r.json()["items"]] == [orders[1]["id"]]
    order = (await eng.client.get(f"/v1/{PATH}/{orders[0]['id']}", headers=tech)).json()
    assert order["complaint_reference"] == "C-2026-00001"
    assert (order["property_name"], order["building"], order["unit_number"], order["floor"]) == (
        "Harbour View",
        "Tower 2",
        "12F-3",
        12,
    )
    assert order["location"] == "bathroom ceiling"
    assert (order["contact_name"], order["contact_phone"]) == ("陳大文", "+85291234567")
    created = await task_events(eng, DEPT, "created")
    assert [e["reference"] for e in created] == [o["reference"] for o in orders]


async def test_an_older_dispatch_without_place_still_makes_a_work_order(eng: RunningApp) -> None:
    c = complaint(DEPT, complaint_id=str(uuid.uuid4()))
    await publish(eng, c, "dispatched", subject=c.complaint_id)
    order = await one_task(eng, PATH, c.complaint_id)
    assert order["reference"].startswith("W-") and order["contact_phone"] is None
    assert order["location"] == "Block A, 12F lobby"


async def test_an_odd_dispatch_still_makes_a_work_order(eng: RunningApp) -> None:
    """A long location (the desk allows 300 characters) and an unknown time zone do not make
    the handler fail for ever: the work order is made, the text clipped, the default zone."""
    c = complaint(
        DEPT, location="L" * 300, place=Place(time_zone="Mars/Olympus", location="L" * 300)
    )
    await publish(eng, c, "dispatched", subject=c.complaint_id)
    order = await one_task(eng, PATH, c.complaint_id)
    assert order["location"] == "L" * 200 and order["reference"].startswith("W-")
