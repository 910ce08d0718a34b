"""A signed-off paid service raises exactly one charge on the unit's account (kind
paid_service, the quoted total), from the front desk's event over real NATS; the same event
again, or a replay with another message id, charges nothing more."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from fees.app import create_app
from propops.events import new_event
from propops.events.catalog import paid_service_event_type, subject_for
from propops.events.payloads import PaidServiceChanged, PaidServiceLine, UnitRegistered
from propops.testing.fixtures import RunningApp, eventually


@pytest.fixture
async def fees(start_service) -> RunningApp:
    app = await start_service(create_app, "fees")
    assert await app.ctx.bus.wait_ready(within=15)
    return app


async def publish(fees: RunningApp, payload, subject: str, event_type=None, msg_id=None) -> None:
    event = new_event(payload, subject=subject, event_type=event_type)
    await fees.ctx.bus.publish(
        subject_for(event.type, fees.settings.nats_namespace), event.to_json(), msg_id or event.id
    )


def signed_off(unit_id: str, verb: str = "signed_off") -> PaidServiceChanged:
    return PaidServiceChanged(
        paid_service_id=str(uuid.uuid4()),
        reference="PS-2026-00001",
        property_id="p-1",
        unit_id=unit_id,
        party_id="party-1",
        status=verb,
        lines=[
            PaidServiceLine(
                item_code="TAP",
                name="Replace a tap washer",
                quantity=Decimal("2"),
                unit_price=Decimal("120.00"),
                amount=Decimal("240.00"),
            )
        ],
        total=Decimal("240.00"),
        satisfied=True,
        at=datetime.now(UTC),
    )


async def charges(fees: RunningApp, unit_id: str) -> list[dict]:
    r = await fees.client.get("/v1/charges", params={"unit_id": unit_id})
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def test_one_charge_per_signed_off_paid_service(fees: RunningApp) -> None:
    unit = UnitRegistered(
        unit_id=str(uuid.uuid4()), property_id="p-1", property_code="HKA", building="A", number="1"
    )
    await publish(fees, unit, unit.unit_id)
    paid = signed_off(unit.unit_id)
    kind = paid_service_event_type("signed_off")
    # an accepted paid service is not charged; only its sign-off
    await publish(
        fees, signed_off(unit.unit_id, "accepted"), "x", paid_service_event_type("accepted")
    )
    for _ in range(2):  # the same sign-off twice (a replay under another message id)
        await publish(fees, paid, paid.paid_service_id, kind, msg_id=str(uuid.uuid4()))
    other = signed_off(unit.unit_id)
    await publish(fees, other, other.paid_service_id, kind)

    async def two() -> list[dict]:
        found = await charges(fees, unit.unit_id)
        assert len(found) >= 2
        return found

    found = await eventually(two, what="two charges")
    # the consumer handles events in order: the replay came before "other", so it was seen
    assert len(found) == 2
    assert {c["kind"] for c in found} == {"paid_service"}
    assert {c["amount"] for c in found} == {"240.00"}
    assert found[0]["description"].startswith("PS-2026-00001: Replace a tap washer x 2")
    r = await fees.client.get("/v1/accounts", params={"unit_id": unit.unit_id})
    assert r.json()["items"][0]["balance"] == "480.00"
