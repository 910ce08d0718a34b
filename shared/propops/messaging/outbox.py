"""Transactional outbox: events are rows written with the change; a relay publishes them.

``add_event`` stores the event (and the caller's trace context) in the caller's session; it
commits with the business change or not at all. The relay is woken right after such a commit
and also sweeps periodically, so events stored while NATS was down go out once it is back.
It publishes in ``seq`` order and stops at the first failure, so the order per aggregate
(indeed the order of the whole outbox) is kept. ``Nats-Msg-Id`` is the event id, so a publish
repeated after a crash is dropped by JetStream's duplicate window (and by consumers' inboxes).
"""

from __future__ import annotations

import asyncio
import contextlib
import json

import structlog
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from propops.bus import Bus
from propops.db import Database, utcnow
from propops.events.envelope import CloudEvent, new_event
from propops.jobs import try_lock
from propops.messaging.models import OutboxRow
from propops.telemetry import current_carrier, publish_span

log = structlog.get_logger("propops.outbox")


def add_event(
    session: AsyncSession, event: CloudEvent, *, aggregate_id: str | None = None
) -> CloudEvent:
    """Store ``event`` in the outbox, in the caller's transaction. Its NATS subject is the
    event type; the relay's bus adds the installation's namespace when it publishes."""
    session.add(
        OutboxRow(
            event_id=event.id,
            type=event.type,
            subject=event.type,
            aggregate_id=aggregate_id or event.subject,
            envelope=event.to_json().decode(),
            trace_carrier=json.dumps(current_carrier()),
        )
    )
    session.info["outbox_dirty"] = True
    return event


def emit(
    session: AsyncSession, payload: BaseModel, *, subject: str, event_type: str | None = None
) -> CloudEvent:
    """Build the envelope for a typed payload and store it in the outbox."""
    event = new_event(payload, subject=subject, event_type=event_type)
    return add_event(session, event)


class OutboxRelay:
    def __init__(
        self,
        db: Database,
        bus: Bus,
        *,
        service_name: str,
        sweep_seconds: float = 2.0,
        batch: int = 200,
    ) -> None:
        self.db = db
        self.bus = bus
        self.sweep_seconds = sweep_seconds
        self.batch = batch
        self._lock_name = f"outbox-{service_name}"
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        db.on_outbox_commit(self.wake)
        bus.on_ready(self._on_bus_ready)

    async def _on_bus_ready(self) -> None:
        self.wake()

    def wake(self) -> None:
        if self._loop is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            self._wake.set()
        else:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.sweep_seconds)
            self._wake.clear()
            if not self.bus.connected:
                continue
            try:
                while await self.relay_once() >= self.batch:
                    pass
            except Exception:
                log.exception("outbox_relay_failed")

    async def relay_once(self) -> int:
        """Publish one batch of pending events in order; returns how many were published."""
        published = 0
        async with self.db.sessions() as session:
            if not await try_lock(session, self._lock_name):
                return 0
            rows = (
                await session.scalars(
                    select(OutboxRow)
                    .where(OutboxRow.published_at.is_(None))
                    .order_by(OutboxRow.seq)
                    .limit(self.batch)
                )
            ).all()
            for row in rows:
                subject = self.bus.subject(row.subject)
                try:
                    with publish_span(subject, row.type, json.loads(row.trace_carrier)) as (
                        _span,
                        headers,
                    ):
                        await self.bus.publish(
                            subject, row.envelope.encode(), row.event_id, headers
                        )
                except Exception as exc:  # noqa: BLE001
                    row.attempts += 1
                    row.last_error = f"{type(exc).__name__}: {exc}"[:1000]
                    log.warning(
                        "outbox_publish_failed", event_id=row.event_id, error=row.last_error
                    )
                    break
                row.published_at = utcnow()
                row.attempts += 1
                published += 1
            await session.commit()
        return published

    async def pending(self) -> int:
        from sqlalchemy import func

        async with self.db.sessions() as session:
            return int(
                await session.scalar(
                    select(func.count())
                    .select_from(OutboxRow)
                    .where(OutboxRow.published_at.is_(None))
                )
                or 0
            )
