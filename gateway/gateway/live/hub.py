"""One NATS subscription for the whole gateway, fanned out to every open SSE stream.

A plain (core) subscription to every PropOps subject: live updates need no history and no acks
(what matters for keeps, the bell, is a durable consumer). The NATS client re-subscribes by
itself after a reconnection; after a fresh connection ``on_ready`` subscribes again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

import structlog
from nats.aio.msg import Msg

from propops.auth import Principal
from propops.bus import Bus
from propops.events.catalog import TASK_DEPARTMENTS, subject_for
from propops.events.envelope import CloudEvent

log = structlog.get_logger("gateway.live")

QUEUE_SIZE = 100
DESK_ROLES = frozenset({"frontdesk", "manager", "admin"})


@dataclass(frozen=True)
class LiveEvent:
    topic: str  # complaint | task | notification
    type: str
    verb: str
    id: str
    department: str | None
    property_id: str | None
    status: str | None
    data: dict[str, Any] = field(default_factory=dict)
    audience: str | None = None  # notifications: the role they are for

    def sse(self) -> str:
        body = {
            "type": self.type,
            "verb": self.verb,
            "id": self.id,
            "department": self.department,
            "property_id": self.property_id,
            "status": self.status,
            **self.data,
        }
        return f"event: {self.topic}\ndata: {json.dumps(body, ensure_ascii=False)}\n\n"


def live_event(event: CloudEvent) -> LiveEvent | None:
    """The live form of an event, or None for events no queue shows."""
    parts = event.type.split(".")
    dept, entity, verb = parts[1], parts[2], parts[3]
    d = event.data
    if dept == "frontdesk" and entity == "complaint":
        return LiveEvent(
            "complaint",
            event.type,
            verb,
            str(d.get("complaint_id")),
            d.get("department"),
            d.get("property_id"),
            d.get("status"),
            {"reference": d.get("reference")} if d.get("reference") else {},
        )
    if TASK_DEPARTMENTS.get(dept) == entity:
        return LiveEvent(
            "task",
            event.type,
            verb,
            str(d.get("task_id")),
            d.get("department") or dept,
            d.get("property_id"),
            d.get("status"),
            {"complaint_id": d.get("complaint_id")},
        )
    return None


def may_see(principal: Principal, ev: LiveEvent) -> bool:
    """The same rights as reading the records: the desk and managers see complaints, a
    department (and managers) its tasks; and only in the user's properties."""
    if ev.property_id and not principal.sees_property(ev.property_id):
        return False
    if ev.topic == "notification":
        from gateway.notifications.service import audiences

        return ev.audience in audiences(principal)
    if principal.roles & {"admin", "manager"}:
        return True
    if ev.topic == "complaint":
        return "frontdesk" in principal.roles
    return ev.department in principal.roles


class LiveHub:
    def __init__(self, bus: Bus) -> None:
        self.bus = bus
        self._listeners: dict[asyncio.Queue[LiveEvent], Principal] = {}
        self._sub: Any = None
        self._nc: Any = None

    async def start(self) -> None:
        self.bus.on_ready(self._subscribe)
        if self.bus.connected:
            await self._subscribe()

    async def _subscribe(self) -> None:
        nc = self.bus.nc
        if nc is None or (self._sub is not None and self._nc is nc):
            return  # the same connection: the client restored the subscription itself
        self._sub = await nc.subscribe(
            subject_for("propops.>", self.bus.namespace), cb=self._on_message
        )
        self._nc = nc
        log.info("live_subscribed")

    async def stop(self) -> None:
        if self._sub is not None:
            with contextlib.suppress(Exception):
                await self._sub.unsubscribe()
        self._sub = None

    def listen(self, principal: Principal) -> asyncio.Queue[LiveEvent]:
        queue: asyncio.Queue[LiveEvent] = asyncio.Queue(QUEUE_SIZE)
        self._listeners[queue] = principal
        return queue

    def leave(self, queue: asyncio.Queue[LiveEvent]) -> None:
        self._listeners.pop(queue, None)

    @property
    def listeners(self) -> int:
        return len(self._listeners)

    async def _on_message(self, msg: Msg) -> None:
        try:
            ev = live_event(CloudEvent.from_json(msg.data))
        except Exception:  # noqa: BLE001 - not ours to judge; the consumers dead-letter it
            return
        if ev is not None:
            self.publish(ev)

    def publish(self, ev: LiveEvent) -> None:
        for queue, principal in list(self._listeners.items()):
            if may_see(principal, ev):
                with contextlib.suppress(asyncio.QueueFull):  # a stuck browser loses updates
                    queue.put_nowait(ev)
