"""The transactional outbox against a real NATS server."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import func, select

from propops.bus import Bus
from propops.db import Database
from propops.events import new_event
from propops.events.catalog import stream_for, subject_for
from propops.events.payloads import UnitRegistered
from propops.messaging.models import OutboxRow
from propops.messaging.outbox import OutboxRelay, add_event
from propops.testing.fixtures import eventually, tuned_settings
from propops.testing.servers import EmbeddedNats


def unit_event(unit_id: str, n: int = 0):
    payload = UnitRegistered(
        unit_id=unit_id, property_id="p1", property_code="P1", building="A", number=f"{n}"
    )
    return new_event(payload, subject=unit_id)


async def outbox_count(db: Database, pending_only: bool = False) -> int:
    async with db.sessions() as s:
        stmt = select(func.count()).select_from(OutboxRow)
        if pending_only:
            stmt = stmt.where(OutboxRow.published_at.is_(None))
        return int(await s.scalar(stmt) or 0)


async def read_stream(bus: Bus, namespace: str) -> list:
    assert bus.js is not None
    sub = await bus.js.pull_subscribe(
        subject_for("propops.frontdesk.>", namespace),
        durable=None,
        stream=stream_for("frontdesk", namespace),
    )
    msgs = []
    while True:
        try:
            batch = await sub.fetch(100, timeout=1)
        except Exception:  # noqa: BLE001 - timeout: nothing more
            break
        for m in batch:
            await m.ack()
        msgs.extend(batch)
    await sub.unsubscribe()
    return msgs


async def test_event_is_stored_only_with_the_change_that_caused_it(db: Database) -> None:
    async with db.sessions() as s:
        add_event(s, unit_event("u1"))
        await s.rollback()
    assert await outbox_count(db) == 0
    async with db.sessions() as s:
        add_event(s, unit_event("u1"))
        await s.commit()
    assert await outbox_count(db) == 1


async def test_relay_publishes_right_after_commit_with_msg_id(
    db: Database, bus: Bus, namespace: str
) -> None:
    # The sweep is an hour: only the wake-up at commit can publish within the test.
    relay = OutboxRelay(db, bus, service_name="probe", sweep_seconds=3600)
    await relay.start()
    try:
        event = unit_event(str(uuid.uuid4()))
        async with db.sessions() as s:
            add_event(s, event)
            await s.commit()
        await eventually(lambda: _zero_pending(db), within=5, what="publish after commit")
        msgs = await read_stream(bus, namespace)
        assert len(msgs) == 1
        assert msgs[0].headers["Nats-Msg-Id"] == event.id
        assert msgs[0].subject == subject_for(event.type, namespace)
        body = json.loads(msgs[0].data)
        assert body["id"] == event.id and body["specversion"] == "1.0"
        assert body["type"] == "propops.frontdesk.unit.registered.v1"
    finally:
        await relay.stop()


async def _zero_pending(db: Database) -> bool:
    return await outbox_count(db, pending_only=True) == 0


async def test_changes_commit_while_nats_is_down_and_go_out_in_order_after(
    db: Database, namespace: str, tmp_path
) -> None:
    server = EmbeddedNats(store=tmp_path / "nats").start()
    settings = tuned_settings(service_name="probe", nats_url=server.url, nats_namespace=namespace)
    bus = Bus(settings)
    await bus.start()
    assert await bus.wait_ready(within=10)
    relay = OutboxRelay(db, bus, service_name="probe", sweep_seconds=0.2)
    await relay.start()
    try:
        server.stop()
        aggregates = [str(uuid.uuid4()) for _ in range(3)]
        expected: dict[str, list[str]] = {a: [] for a in aggregates}
        for n in range(5):
            for agg in aggregates:
                event = unit_event(agg, n)
                expected[agg].append(event.id)
                async with db.sessions() as s:  # each change commits although NATS is down
                    add_event(s, event)
                    await s.commit()
        assert await outbox_count(db, pending_only=True) == 15
        server.start()
        await eventually(lambda: _zero_pending(db), within=20, what="outbox drained")
        msgs = await read_stream(bus, namespace)
        ids = [m.headers["Nats-Msg-Id"] for m in msgs]
        assert len(ids) == 15 == len(set(ids))
        for agg in aggregates:
            assert [i for i in ids if i in expected[agg]] == expected[agg]
    finally:
        await relay.stop()
        await bus.close()
        server.stop()


async def test_republishing_an_event_is_dropped_by_the_duplicate_window(
    db: Database, bus: Bus, namespace: str
) -> None:
    event = unit_event(str(uuid.uuid4()))
    subject = subject_for(event.type, namespace)
    first = await bus.publish(subject, event.to_json(), event.id)
    second = await bus.publish(subject, event.to_json(), event.id)
    assert second.duplicate and second.seq == first.seq
    assert len(await read_stream(bus, namespace)) == 1
