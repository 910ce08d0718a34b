"""Idempotent event consumers on durable JetStream pull consumers.

For each message: the handler's effect and the inbox row (consumer, event id) commit in one
transaction, and the message is acked only after that commit. An event already in the inbox is
acked without running the handler, so a redelivered or republished event changes nothing.
A failing handler is retried with exponential backoff (``nak(delay)``); at ``max_deliver``
deliveries the message is stored as a dead letter and terminated.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from propops.bus import Bus
from propops.db import Database
from propops.events.catalog import payload_model, stream_for
from propops.events.envelope import CloudEvent
from propops.messaging.models import DeadLetter, InboxRow
from propops.messaging.subscriptions import Handler, On, handlers_by_type
from propops.settings import ServiceSettings
from propops.telemetry import consume_span

log = structlog.get_logger("propops.consumer")

FETCH_WAIT = 1.0  # seconds a pull request waits for messages


class PoisonMessage(Exception):
    """A message that can never be handled (not a CloudEvent, unknown type, bad payload)."""


@dataclass
class Outcome:
    handled: bool  # False: already in the inbox (a duplicate)


def parse_event(raw: bytes) -> tuple[CloudEvent, BaseModel]:
    """The envelope and its payload, validated once against the catalog's class."""
    try:
        event = CloudEvent.from_json(raw)
        payload = payload_model(event.type).model_validate(event.data)
    except (ValidationError, KeyError, ValueError) as exc:
        raise PoisonMessage(str(exc)) from exc
    return event, payload


async def already_handled(session: AsyncSession, consumer: str, event_id: str) -> bool:
    found = await session.scalar(
        select(InboxRow.event_id).where(
            InboxRow.consumer == consumer, InboxRow.event_id == event_id
        )
    )
    return found is not None


async def process_event(
    db: Database, consumer: str, handler: Handler, event: CloudEvent, payload: BaseModel
) -> Outcome:
    """Run ``handler`` for ``event`` exactly once per consumer: effect + inbox row together.

    The inbox row is written first: a duplicate fails at once on the primary key (one round
    trip, no separate look-up), and a replica handling the same event concurrently waits on the
    row and then finds it taken.
    """
    async with db.sessions() as session:
        session.add(InboxRow(consumer=consumer, event_id=event.id, type=event.type))
        try:
            await session.flush()
        except IntegrityError:
            await session.rollback()
            return Outcome(handled=False)
        await handler(session, payload, event)
        try:
            await session.commit()
        except IntegrityError:
            # Another replica handled the same event first: its effect stands, ours is rolled back.
            await session.rollback()
            async with db.sessions() as check:
                if await already_handled(check, consumer, event.id):
                    return Outcome(handled=False)
            raise
    return Outcome(handled=True)


def backoff_delay(num_delivered: int, base: float, cap: float) -> float:
    return min(cap, base * (2 ** max(0, num_delivered - 1)))


class EventConsumer:
    """One service's consumers: a durable pull consumer (named after the service) per stream
    it reads, dispatching each event to the handlers subscribed to its payload."""

    def __init__(
        self,
        db: Database,
        bus: Bus,
        settings: ServiceSettings,
        subscriptions: Sequence[On[Any]],
        *,
        name: str | None = None,
    ) -> None:
        self.db = db
        self.bus = bus
        self.settings = settings
        self.name = name or settings.service_name
        self.handlers: dict[str, Handler] = handlers_by_type(subscriptions)
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        bus.on_ready(self._ensure_consumers)

    def by_department(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for event_type in self.handlers:
            dept = event_type.split(".")[1]
            groups.setdefault(dept, []).append(self.bus.subject(event_type))
        return groups

    async def _ensure_consumers(self) -> None:
        for dept, subjects in self.by_department().items():
            await self.bus.ensure_consumer(dept, self.name, subjects)

    async def start(self) -> None:
        if self.bus.connected:  # already up: on_ready has run before we registered
            await self._ensure_consumers()
        for dept in self.by_department():
            self._tasks.append(asyncio.create_task(self._fetch_loop(dept), name=f"consume-{dept}"))

    async def stop(self) -> None:
        """Stop fetching, let the current fetch finish and its messages be handled and acked
        (a cancelled fetch would leave its pull request open, and what the server sends to it
        would wait out ``ack_wait`` before redelivery)."""
        self._stopping = True
        if self._tasks:
            _done, pending = await asyncio.wait(self._tasks, timeout=FETCH_WAIT + 5.0)
            for t in pending:
                t.cancel()
            if pending:
                await asyncio.wait(pending, timeout=2.0)

    async def _fetch_loop(self, dept: str) -> None:
        stream = stream_for(dept, self.bus.namespace)
        sub = None
        while not self._stopping:
            try:
                if not self.bus.connected:
                    sub = None
                    await self.bus.wait_ready(within=1.0)
                    continue
                if sub is None:
                    assert self.bus.js is not None
                    sub = await self.bus.js.pull_subscribe_bind(durable=self.name, stream=stream)
                try:
                    msgs = await sub.fetch(self.settings.fetch_batch, timeout=FETCH_WAIT)
                except NatsTimeoutError:
                    continue
                for msg in msgs:
                    await self.handle_message(msg, stream)
            except Exception as exc:  # noqa: BLE001
                log.warning(
                    "consumer_fetch_failed", stream=stream, error=f"{type(exc).__name__}: {exc}"
                )
                sub = None
                await asyncio.sleep(0.5)
        if sub is not None:
            with contextlib.suppress(Exception):
                await sub.unsubscribe()

    async def handle_message(self, msg: Msg, stream: str) -> None:
        deliveries = msg.metadata.num_delivered
        headers = dict(msg.headers or {})
        try:
            event, payload = parse_event(msg.data)
        except PoisonMessage as exc:
            await self._dead_letter(msg, stream, None, f"unparseable: {exc}", deliveries)
            await msg.term()
            return
        handler = self.handlers.get(event.type)
        if handler is None:
            # A catalog event this service does not subscribe to: the consumer's subject filter
            # normally keeps it away, but a NATS server older than 2.10 ignores a filter of
            # several subjects and sends the whole stream. Nothing here wants it: ack it.
            log.debug("event_not_subscribed", event_id=event.id, type=event.type)
            await msg.ack()
            return
        with consume_span(msg.subject, event.type, event.id, headers, self.name) as span:
            try:
                outcome = await process_event(self.db, self.name, handler, event, payload)
            except Exception as exc:  # noqa: BLE001
                span.record_exception(exc)
                error = f"{type(exc).__name__}: {exc}"
                if deliveries >= self.settings.max_deliver:
                    log.error(
                        "event_dead_lettered",
                        event_id=event.id,
                        type=event.type,
                        deliveries=deliveries,
                        error=error,
                    )
                    await self._dead_letter(msg, stream, event, error, deliveries)
                    await msg.term()
                else:
                    delay = backoff_delay(
                        deliveries,
                        self.settings.retry_backoff_seconds,
                        self.settings.retry_backoff_max_seconds,
                    )
                    log.warning(
                        "event_handler_failed",
                        event_id=event.id,
                        type=event.type,
                        deliveries=deliveries,
                        retry_in=delay,
                        error=error,
                    )
                    await msg.nak(delay=delay)
                return
            span.set_attribute("propops.duplicate", not outcome.handled)
        await msg.ack()

    async def _dead_letter(
        self, msg: Msg, stream: str, event: CloudEvent | None, error: str, deliveries: int
    ) -> None:
        async with self.db.sessions() as session:
            session.add(
                DeadLetter(
                    consumer=self.name,
                    stream=stream,
                    subject=msg.subject,
                    event_id=event.id if event else None,
                    type=event.type if event else None,
                    headers=json.dumps(dict(msg.headers or {})),
                    payload=msg.data.decode(errors="replace"),
                    error=error[:4000],
                    deliveries=deliveries,
                )
            )
            await session.commit()
