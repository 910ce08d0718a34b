"""Idempotent consumers, retries, dead letters and restarts, against a real NATS server."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from propops.bus import Bus
from propops.db import Database
from propops.errors import Conflict
from propops.events import CloudEvent, new_event
from propops.events.catalog import stream_for, subject_for
from propops.events.payloads import AccountOpened, UnitRegistered
from propops.messaging import dead_letters
from propops.messaging.consumer import EventConsumer, backoff_delay, process_event
from propops.messaging.models import DeadLetter, InboxRow
from propops.messaging.subscriptions import On
from propops.settings import ServiceSettings
from propops.testing.fixtures import eventually

from probe_table import probe

TYPE = "propops.frontdesk.unit.registered.v1"


def unit_event(n: int = 0) -> CloudEvent:
    unit_id = str(uuid.uuid4())
    return new_event(
        UnitRegistered(
            unit_id=unit_id, property_id="p1", property_code="P1", building="A", number=str(n)
        ),
        subject=unit_id,
    )


async def record_effect(session: AsyncSession, unit: UnitRegistered, event: CloudEvent) -> None:
    await session.execute(insert(probe).values(event_id=event.id, unit_id=unit.unit_id))


async def effects(db: Database) -> list[str]:
    async with db.sessions() as s:
        return list((await s.scalars(select(probe.c.event_id).order_by(probe.c.n))).all())


async def count(db: Database, model: type) -> int:
    async with db.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def publish(
    bus: Bus, settings: ServiceSettings, event: CloudEvent, msg_id: str | None = None
) -> None:
    await bus.publish(
        subject_for(event.type, settings.nats_namespace), event.to_json(), msg_id or event.id
    )


@pytest.fixture
async def running(db: Database, bus: Bus, settings: ServiceSettings):
    consumers: list[EventConsumer] = []

    async def start(handler=record_effect) -> EventConsumer:
        c = EventConsumer(db, bus, settings, [On(UnitRegistered, handler)])
        await c.start()
        consumers.append(c)
        return c

    yield start
    for c in consumers:
        await c.stop()


async def test_redelivered_or_republished_event_changes_nothing(db, bus, settings, running) -> None:
    await running()
    event = unit_event()
    await publish(bus, settings, event)
    await publish(bus, settings, event)  # same Nats-Msg-Id: dropped by JetStream
    await publish(bus, settings, event, msg_id=str(uuid.uuid4()))  # republished: a new message
    later = unit_event(1)
    await publish(bus, settings, later)
    await eventually(lambda: _has(db, later.id), what="later event handled")
    assert await effects(db) == [event.id, later.id]
    assert await count(db, InboxRow) == 2


async def _has(db: Database, event_id: str) -> bool:
    return event_id in await effects(db)


async def test_handled_but_unacked_event_is_not_handled_again(db, bus, settings, running) -> None:
    # A crash between the commit and the ack: the effect is there, the message comes again.
    event = unit_event()
    payload = UnitRegistered.model_validate(event.data)
    outcome = await process_event(db, "probe", record_effect, event, payload)
    assert outcome.handled
    await running()
    await publish(bus, settings, event)
    marker = unit_event(1)
    await publish(bus, settings, marker)
    await eventually(lambda: _has(db, marker.id), what="marker handled")
    assert await effects(db) == [event.id, marker.id]


async def test_failing_handler_is_retried_with_backoff_until_it_succeeds(
    db, bus, settings, running
) -> None:
    attempts: list[int] = []

    async def flaky(session: AsyncSession, unit: UnitRegistered, event: CloudEvent) -> None:
        await record_effect(session, unit, event)  # written, then rolled back by the failure
        attempts.append(1)
        if len(attempts) < 3:
            raise RuntimeError("transient")

    await running(flaky)
    event = unit_event()
    await publish(bus, settings, event)
    await eventually(lambda: _has(db, event.id), what="handled after retries")
    assert len(attempts) == 3
    assert await effects(db) == [event.id]
    assert await count(db, DeadLetter) == 0


def test_backoff_grows_and_is_capped() -> None:
    assert [backoff_delay(n, 0.5, 3.0) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 3.0, 3.0]


async def test_poison_event_is_dead_lettered_after_max_deliver_then_replayed(
    db, bus, settings, running
) -> None:
    broken = {"on": True}
    calls: list[int] = []

    async def handler(session: AsyncSession, unit: UnitRegistered, event: CloudEvent) -> None:
        calls.append(1)
        if broken["on"]:
            raise ValueError("unit register is unreadable")
        await record_effect(session, unit, event)

    consumer = await running(handler)
    event = unit_event()
    await publish(bus, settings, event)

    async def dead() -> list[DeadLetter]:
        async with db.sessions() as s:
            return list(
                (
                    await s.scalars(dead_letters.list_query(dead_letters.LIST.query(status="dead")))
                ).all()
            )

    letters = await eventually(dead, what="dead letter")
    assert len(letters) == 1
    letter = letters[0]
    assert letter.event_id == event.id and letter.deliveries == settings.max_deliver
    assert "unit register is unreadable" in letter.error
    # terminated: no further deliveries after the dead-lettering
    marker = unit_event(1)
    broken["on"] = False
    await publish(bus, settings, marker)
    await eventually(lambda: _has(db, marker.id), what="marker handled")
    assert len(calls) == settings.max_deliver + 1
    assert await effects(db) == [marker.id]

    replayed = await dead_letters.replay(db, consumer, letter.id)
    assert replayed.status == "replayed" and replayed.replayed_at is not None
    assert await effects(db) == [marker.id, event.id]
    with pytest.raises(Conflict):
        await dead_letters.replay(db, consumer, letter.id)


async def test_unparseable_message_is_dead_lettered_at_once(db, bus, settings, running) -> None:
    await running()
    await bus.publish(subject_for(TYPE, settings.nats_namespace), b"not json", "bad-1")

    async def dead() -> int:
        return await count(db, DeadLetter)

    await eventually(dead, what="dead letter for garbage")
    async with db.sessions() as s:
        letter = (await s.scalars(select(DeadLetter))).one()
    assert letter.payload == "not json" and letter.event_id is None
    assert letter.error.startswith("unparseable")


async def test_restarted_consumer_resumes_where_it_stopped(db, bus, settings, running) -> None:
    first = await running()
    before = [unit_event(n) for n in range(5)]
    for e in before:
        await publish(bus, settings, e)
    await eventually(lambda: _has(db, before[-1].id), what="first batch handled")
    await first.stop()
    after = [unit_event(n) for n in range(5, 10)]
    for e in after:  # published while the consumer is down
        await publish(bus, settings, e)
    await running()
    await eventually(lambda: _has(db, after[-1].id), what="second batch handled")
    assert await effects(db) == [e.id for e in before + after]


async def test_an_event_the_service_does_not_subscribe_to_is_acked_not_dead_lettered(
    db, bus, settings, running
) -> None:
    # A NATS server older than 2.10 ignores a filter of several subjects and delivers the whole
    # stream: such a message (a real one, fetched without a filter) is acked and left alone.
    consumer = await running()
    other = new_event(
        AccountOpened(account_id="a-1", unit_id="u-1", property_id="p1"), subject="a-1"
    )
    await publish(bus, settings, other)
    stream = stream_for("fees", settings.nats_namespace)
    assert bus.js is not None
    sub = await bus.js.pull_subscribe(bus.subject(other.type), durable=None, stream=stream)
    [msg] = await sub.fetch(1, timeout=5)
    await consumer.handle_message(msg, stream)
    assert await count(db, DeadLetter) == 0
    assert await effects(db) == []

    async def acked() -> bool:  # an ack is sent without waiting for the server
        return (await sub.consumer_info()).num_ack_pending == 0

    await eventually(acked, within=10, what="the ack")
    await sub.unsubscribe()
