"""An accepted paid service becomes exactly one engineering work order of kind paid_service
(redelivered or replayed: still one), with where to go and whom to call; its cancellation
cancels the work order (and changes nothing once the work is done)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from engineering.app import create_app
from propops.events import new_event
from propops.events.catalog import paid_service_event_type, subject_for
from propops.events.payloads import Contact, PaidServiceChanged, Place
from propops.testing.fixtures import RunningApp, eventually
from propops.testing.tasks import known_user


@pytest.fixture
async def eng(start_service) -> RunningApp:
    app = await start_service(create_app, "engineering")
    assert await app.ctx.bus.wait_ready(within=15)
    await known_user(app, "tech-lee", "engineering")
    return app


def paid_service(status: str, paid_id: str) -> PaidServiceChanged:
    return PaidServiceChanged(
        paid_service_id=paid_id,
        reference="PS-2026-00007",
        property_id="p-1",
        unit_id="u-1",
        party_id="party-1",
        status=status,
        total=Decimal("240.00"),
        description="Paid service PS-2026-00007: Replace a tap washer x 2",
        place=Place(property_name="Harbour Court", building="A", unit_number="8F-1", floor=8),
        contact=Contact(name="陳大文", phone="+85291234567"),
        reason="resident away" if status == "cancelled" else None,
        actor="clerk",
        at=datetime.now(UTC),
    )


async def publish(eng: RunningApp, verb: str, paid_id: str, msg_id: str | None = None) -> None:
    event = new_event(
        paid_service(verb, paid_id), subject=paid_id, event_type=paid_service_event_type(verb)
    )
    await eng.ctx.bus.publish(
        subject_for(event.type, eng.settings.nats_namespace), event.to_json(), msg_id or event.id
    )


async def orders(eng: RunningApp, paid_id: str) -> list[dict]:
    r = await eng.client.get(
        "/v1/workorders", params={"source_id": paid_id, "kind": "paid_service"}
    )
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def test_one_work_order_per_accepted_paid_service_and_cancel(eng: RunningApp) -> None:
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    await publish(eng, "accepted", first)
    await publish(eng, "accepted", first, msg_id=str(uuid.uuid4()))  # replayed
    await publish(eng, "accepted", second)

    async def made() -> dict:
        found = await orders(eng, second)
        assert len(found) == 1
        return found[0]

    await eventually(made, what="the second work order")
    [order] = await orders(eng, first)  # the replay came before the second: one all the same
    assert order["kind"] == "paid_service" and order["status"] == "open"
    assert order["reference"].startswith("W-")
    assert order["building"] == "A" and order["unit_number"] == "8F-1"
    assert order["contact_name"] == "陳大文" and order["contact_phone"] == "+85291234567"
    assert "Replace a tap washer" in order["description"]

    # the first is done before its cancellation arrives: it stays completed
    path = f"/v1/workorders/{order['id']}"
    for action, body in (
        ("assign", {"assignee": "tech-lee"}),
        ("start", None),
        ("complete", {"resolution_notes": "washer replaced"}),
    ):
        r = await eng.client.post(f"{path}/{action}", json=body)
        assert r.status_code == 200, r.text
    await publish(eng, "cancelled", first)
    await publish(eng, "cancelled", second)

    async def cancelled() -> bool:
        return [o["status"] for o in await orders(eng, second)] == ["cancelled"]

    await eventually(cancelled, what="the second work order cancelled")
    [order] = await orders(eng, first)
    assert order["status"] == "completed"
