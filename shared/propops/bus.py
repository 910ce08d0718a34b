"""NATS JetStream: one stream per department (and the gateway), durable pull consumers,
deduplicated publish.

The connection is made in the background and retried forever, so a service starts (and reports
not-ready) while NATS is down, and carries on by itself when NATS comes back.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import nats
import structlog
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from nats.js.api import (
    AckPolicy,
    ConsumerConfig,
    DeliverPolicy,
    Header,
    PubAck,
    StorageType,
    StreamConfig,
)
from nats.js.errors import NotFoundError

from propops.events.catalog import PUBLISHERS, stream_for, stream_subjects, subject_for
from propops.settings import ServiceSettings

log = structlog.get_logger("propops.bus")


class BusUnavailable(RuntimeError):
    """NATS is not connected right now."""


# What ``Bus.state`` reports: not connected yet since the start, and no attempt has failed
# ("starting"); connected with streams set up ("ok"); a connection attempt failed or the
# connection was lost ("unreachable").
STARTING, OK, UNREACHABLE = "starting", "ok", "unreachable"


class Bus:
    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.nc: NATS | None = None
        self.js: JetStreamContext | None = None
        self._ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._on_ready: list[Callable[[], Awaitable[None]]] = []
        self._closing = False
        self._setup_task: asyncio.Task[None] | None = None
        self._been_ready = False
        self._last_error: str | None = None

    @property
    def namespace(self) -> str:
        """The installation's prefix of streams and subjects (``PROPOPS_NATS_NAMESPACE``):
        applied here and only here, never by business code."""
        return self.settings.nats_namespace

    def subject(self, event_type: str) -> str:
        """The NATS subject an event type travels on in this installation."""
        return subject_for(event_type, self.namespace)

    @property
    def connected(self) -> bool:
        return self.nc is not None and self.nc.is_connected and self._ready.is_set()

    @property
    def state(self) -> str:
        """``starting``, ``ok`` or ``unreachable`` (see the constants above)."""
        if self.connected:
            return OK
        if not self._been_ready and self._last_error is None:
            return STARTING
        return UNREACHABLE

    @property
    def last_error(self) -> str | None:
        """Why the bus is unreachable, when it is."""
        return self._last_error

    def on_ready(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Run ``callback`` after every (re)connection, once streams exist."""
        self._on_ready.append(callback)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._connect_loop(), name="bus-connect")

    async def wait_ready(self, within: float | None = None) -> bool:
        try:
            await asyncio.wait_for(self._ready.wait(), within)
            return True
        except TimeoutError:
            return False

    async def _connect_loop(self) -> None:
        delay = 0.2
        while not self._closing:
            try:
                self.nc = await nats.connect(
                    servers=self.settings.nats_servers(),
                    name=self.settings.service_name,
                    connect_timeout=self.settings.nats_connect_timeout_seconds,
                    allow_reconnect=True,
                    max_reconnect_attempts=-1,
                    reconnect_time_wait=0.5,
                    ping_interval=5,
                    max_outstanding_pings=3,
                    disconnected_cb=self._disconnected,
                    reconnected_cb=self._reconnected,
                    error_cb=self._error,
                )
                self.js = self.nc.jetstream(timeout=5)
                await self._after_connect()
                return
            except Exception as exc:  # noqa: BLE001
                self._last_error = type(exc).__name__
                log.warning("nats_connect_failed", error=str(exc), retry_in=delay)
                if self.nc is not None:
                    with contextlib.suppress(Exception):
                        await self.nc.close()
                    self.nc = None
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _after_connect(self) -> None:
        delay = 0.2
        while not self._closing:
            try:
                await self.ensure_streams()
                for cb in self._on_ready:
                    await cb()
                self._been_ready = True
                self._last_error = None
                self._ready.set()
                log.info("nats_ready", servers=self.settings.nats_servers())
                return
            except Exception as exc:  # noqa: BLE001
                log.warning("nats_setup_failed", error=str(exc), retry_in=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _disconnected(self) -> None:
        if not self._closing:
            log.warning("nats_disconnected")
            self._last_error = "disconnected"
            self._ready.clear()

    async def _reconnected(self) -> None:
        log.info("nats_reconnected")
        self._setup_task = asyncio.create_task(self._after_connect(), name="bus-reconnected")

    async def _error(self, exc: Exception) -> None:
        if not self._closing:
            log.debug("nats_error", error=str(exc))
            if not self.connected:  # a failed (re)connection attempt: nats-py retries it
                self._last_error = type(exc).__name__

    async def ensure_streams(self) -> None:
        """Create or update every publisher's stream (idempotent)."""
        js = self._js()
        for dept in PUBLISHERS:
            cfg = StreamConfig(
                name=stream_for(dept, self.namespace),
                subjects=stream_subjects(dept, self.namespace),
                storage=StorageType.FILE,
                duplicate_window=self.settings.duplicate_window_seconds,
                num_replicas=self.settings.nats_replicas,
            )
            try:
                await js.stream_info(cfg.name)
                await js.update_stream(cfg)
            except NotFoundError:
                await js.add_stream(cfg)

    async def ensure_consumer(self, department: str, durable: str, subjects: list[str]) -> str:
        """Create or update the durable pull consumer ``durable`` on a department's stream."""
        js = self._js()
        stream = stream_for(department, self.namespace)
        cfg = ConsumerConfig(
            durable_name=durable,
            deliver_policy=DeliverPolicy.ALL,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=self.settings.ack_wait_seconds,
            # Dead-lettering is ours (num_delivered check); the server limit is only a backstop.
            max_deliver=self.settings.max_deliver + 5,
            # one subject as ``filter_subject``, which every JetStream server honours;
            # ``filter_subjects`` (several) needs NATS 2.10 (older servers ignore it, and the
            # consumer then acks what it does not subscribe to)
            filter_subject=subjects[0] if len(subjects) == 1 else None,
            filter_subjects=subjects if len(subjects) > 1 else None,
            max_ack_pending=1000,
        )
        await js.add_consumer(stream, cfg)
        return stream

    def _js(self) -> JetStreamContext:
        if self.js is None or self.nc is None or not self.nc.is_connected:
            raise BusUnavailable("NATS is not connected")
        return self.js

    async def publish(
        self, subject: str, payload: bytes, msg_id: str, headers: dict[str, str] | None = None
    ) -> PubAck:
        js = self._js()
        hdrs = dict(headers or {})
        hdrs[Header.MSG_ID] = msg_id
        return await js.publish(subject, payload, headers=hdrs, timeout=5)

    async def ping(self) -> None:
        if not self.connected or self.nc is None:
            raise BusUnavailable("NATS is not connected")
        await self.nc.flush(timeout=2)

    async def close(self) -> None:
        self._closing = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self.nc is not None:
            # Consumers are stopped and every handled message acked before this: close at once
            # (a drain would wait on the pull subscriptions' pending fetches).
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.nc.close(), 3.0)
