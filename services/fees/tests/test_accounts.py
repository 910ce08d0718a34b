"""Fees opens one account per registered unit, from the front desk's event over real NATS."""

from __future__ import annotations

import uuid

import pytest

from fees.app import create_app
from propops.events import new_event
from propops.events.catalog import subject_for
from propops.events.payloads import UnitRegistered
from propops.messaging.models import DeadLetter
from propops.testing.fixtures import RunningApp, eventually, token_for


@pytest.fixture
async def fees(start_service) -> RunningApp:
    app = await start_service(create_app, "fees")
    assert await app.ctx.bus.wait_ready(within=15)
    return app


def registered(property_id: str = "p-1", number: str = "1") -> UnitRegistered:
    return UnitRegistered(
        unit_id=str(uuid.uuid4()),
        property_id=property_id,
        property_code="HKA",
        building="A",
        number=number,
    )


async def publish(fees: RunningApp, payload: UnitRegistered, msg_id: str | None = None):
    event = new_event(payload, subject=payload.unit_id)
    await fees.ctx.bus.publish(
        subject_for(event.type, fees.settings.nats_namespace), event.to_json(), msg_id or event.id
    )
    return event


async def accounts_of(fees: RunningApp, **params: str) -> list[dict]:
    r = await fees.client.get("/v1/accounts", params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def test_registered_unit_gets_one_account_with_zero_balance(fees: RunningApp) -> None:
    unit = registered()
    await publish(fees, unit)
    await publish(fees, unit, msg_id=str(uuid.uuid4()))  # the same event, republished
    found = await eventually(lambda: accounts_of(fees, unit_id=unit.unit_id), what="account")
    assert len(found) == 1
    account = found[0]
    assert account["balance"] == "0.00" and account["unit_number"] == "1"
    r = await fees.client.get(f"/v1/accounts/{account['id']}")
    assert r.json()["unit_id"] == unit.unit_id
    # a second, different event for the same unit (say a replay from another source) is harmless
    await publish(fees, unit, msg_id=str(uuid.uuid4()))
    other = registered(number="2")
    await publish(fees, other)
    await eventually(lambda: accounts_of(fees, unit_id=other.unit_id), what="second account")
    assert len(await accounts_of(fees)) == 2
    assert await accounts_of(fees, unit_id=unit.unit_id) == [account]  # unchanged


async def test_accounts_are_scoped_by_property(fees: RunningApp) -> None:
    mine, theirs = registered("p-mine"), registered("p-theirs")
    await publish(fees, mine)
    await publish(fees, theirs)
    await eventually(lambda: _total(fees, 2), what="two accounts")
    token = token_for(fees.settings, "fees", property_ids=["p-mine"])
    r = await fees.client.get("/v1/accounts", headers={"Authorization": f"Bearer {token}"})
    assert [a["unit_id"] for a in r.json()["items"]] == [mine.unit_id]
    r = await fees.client.get("/v1/accounts", params={"property_id": "p-theirs"})
    assert [a["unit_id"] for a in r.json()["items"]] == [theirs.unit_id]


async def _total(fees: RunningApp, n: int) -> bool:
    return (await fees.client.get("/v1/accounts")).json()["total"] == n


async def test_dead_letters_are_listed_and_replayed_over_ops(fees: RunningApp) -> None:
    # garbage on a subject fees consumes: dead-lettered at once, and cannot be replayed
    subject = subject_for("propops.frontdesk.unit.registered.v1", fees.settings.nats_namespace)
    await fees.ctx.bus.publish(subject, b'{"oops": true}', "garbage-1")

    async def listed() -> list[dict]:
        return (await fees.client.get("/ops/dead-letters")).json()["items"]

    letters = await eventually(listed, what="dead letter listed")
    assert letters[0]["error"].startswith("unparseable")
    r = await fees.client.post(f"/ops/dead-letters/{letters[0]['id']}/replay")
    assert r.status_code == 409 and r.headers["content-type"] == "application/problem+json"

    # a letter whose handler failed earlier (stored as the consumer would) replays for real
    unit = registered(number="9")
    event = new_event(unit, subject=unit.unit_id)
    async with fees.ctx.db.sessions() as s:
        letter = DeadLetter(
            consumer="fees",
            stream="PROPOPS_FRONTDESK",
            subject=subject,
            event_id=event.id,
            type=event.type,
            payload=event.to_json().decode(),
            error="RuntimeError: database was locked",
            deliveries=5,
        )
        s.add(letter)
        await s.commit()
    clerk = token_for(fees.settings, "fees")
    r = await fees.client.post(
        f"/ops/dead-letters/{letter.id}/replay", headers={"Authorization": f"Bearer {clerk}"}
    )
    assert r.status_code == 403
    r = await fees.client.post(f"/ops/dead-letters/{letter.id}/replay")
    assert r.status_code == 200 and r.json()["status"] == "replayed"
    assert len(await accounts_of(fees, unit_id=unit.unit_id)) == 1
    r = await fees.client.post(f"/ops/dead-letters/{letter.id}/replay")
    assert r.status_code == 409
    assert (r.json()["current_state"], r.json()["action"]) == ("replayed", "replay")
    r = await fees.client.get("/ops/dead-letters", params={"status": "replayed"})
    assert [x["id"] for x in r.json()["items"]] == [letter.id]
    assert (await fees.client.get("/ops/dead-letters/x/replay")).status_code == 405
    assert (await fees.client.post("/ops/dead-letters/missing/replay")).status_code == 404
