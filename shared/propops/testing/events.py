"""Test helpers for any feature's events: publish one as its producer would, read what a
service put in its outbox."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select

from propops.events import CloudEvent, new_event
from propops.messaging.models import OutboxRow
from propops.testing.fixtures import RunningApp
from propops.testing.tasks import wait_handled


async def publish_event(
    app: RunningApp,
    payload: BaseModel,
    *,
    subject: str,
    event_type: str | None = None,
    wait: bool = True,
) -> CloudEvent:
    """Publish an event on the real bus (a new id each time: a replay, not a duplicate) and,
    with ``wait``, return once the service's consumer has handled it."""
    event = new_event(payload, subject=subject, event_type=event_type)
    await app.ctx.bus.publish(app.ctx.bus.subject(event.type), event.to_json(), event.id)
    if wait:
        await wait_handled(app, event)
    return event


async def outbox_data(app: RunningApp, event_type: str) -> list[dict[str, Any]]:
    """The ``data`` of the service's events of one type, from its outbox, oldest first."""
    async with app.ctx.db.sessions() as s:
        rows = await s.scalars(
            select(OutboxRow.envelope).where(OutboxRow.type == event_type).order_by(OutboxRow.seq)
        )
        return [json.loads(e)["data"] for e in rows.all()]
