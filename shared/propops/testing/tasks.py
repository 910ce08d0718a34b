"""Test helpers for services with department tasks: play the front desk on the real bus, read
the tasks over HTTP, and walk one task from dispatch to completion."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select

from propops.events import CloudEvent, new_event
from propops.events.catalog import complaint_event_type, subject_for, task_event_type
from propops.events.payloads import ComplaintChanged, UserChanged
from propops.messaging.models import InboxRow, OutboxRow
from propops.testing.fixtures import RunningApp, eventually, token_for


def complaint(department: str, **fields: Any) -> ComplaintChanged:
    """A complaint as the front desk describes it when it dispatches it to ``department``."""
    now = datetime.now(UTC)
    values: dict[str, Any] = {
        "complaint_id": str(uuid.uuid4()),
        "property_id": "p-1",
        "unit_id": "u-1",
        "status": "dispatched",
        "nature": "valid",
        "department": department,
        "priority": "high",
        "description": "Water leaking from the ceiling\nnear the lift lobby",
        "location": "Block A, 12F lobby",
        "actor": "desk-amy",
        "resolution_due": now + timedelta(days=2),
        "at": now,
    }
    values.update(fields)
    return ComplaintChanged(**values)


async def publish(
    app: RunningApp,
    payload: BaseModel,
    verb: str,
    *,
    subject: str,
    event: CloudEvent | None = None,
    msg_id: str | None = None,
) -> CloudEvent:
    """Publish a front-desk complaint event (``event`` again, to repeat one) on the real bus."""
    event = event or new_event(payload, subject=subject, event_type=complaint_event_type(verb))
    await app.ctx.bus.publish(
        subject_for(event.type, app.settings.nats_namespace), event.to_json(), msg_id or event.id
    )
    return event


async def known_user(
    app: RunningApp,
    username: str,
    *roles: str,
    active: bool = True,
    version: int = 1,
    user_id: str | None = None,
    property_ids: list[str] | None = None,
) -> CloudEvent:
    """Publish the gateway's event about a user (as the gateway would) and wait until the
    service's copy of the users has it."""
    change = UserChanged(
        user_id=user_id or username,
        username=username,
        roles=list(roles),
        property_ids=property_ids or [],
        active=active,
        version=version,
        changed_at=datetime.now(UTC),
    )
    event = new_event(change, subject=change.user_id)
    await app.ctx.bus.publish(app.ctx.bus.subject(event.type), event.to_json(), event.id)
    await wait_handled(app, event)
    return event


async def handled(app: RunningApp, *events: CloudEvent) -> bool:
    """True once the service's consumer has handled every one of ``events``."""
    ids = [e.id for e in events]
    async with app.ctx.db.sessions() as s:
        n = await s.scalar(
            select(func.count()).select_from(InboxRow).where(InboxRow.event_id.in_(ids))
        )
    return n == len(ids)


async def wait_handled(app: RunningApp, *events: CloudEvent) -> None:
    await eventually(lambda: handled(app, *events), what="events handled")


def auth(app: RunningApp, *roles: str, user: str = "tech-lee", **kw: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(app.settings, *roles, user_id=user, **kw)}"}


async def tasks_of(app: RunningApp, path: str, **params: str) -> list[dict[str, Any]]:
    r = await app.client.get(f"/v1/{path}", params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def one_task(app: RunningApp, path: str, complaint_id: str) -> dict[str, Any]:
    """Wait for the complaint's task; exactly one."""

    async def found() -> list[dict[str, Any]]:
        return await tasks_of(app, path, complaint_id=complaint_id)

    items = await eventually(found, what=f"task of complaint {complaint_id}")
    assert len(items) == 1, items
    return items[0]


async def task_events(app: RunningApp, department: str, verb: str) -> list[dict[str, Any]]:
    """The ``data`` of the service's ``TaskChanged`` events of one verb, from its outbox."""
    async with app.ctx.db.sessions() as s:
        rows = await s.scalars(
            select(OutboxRow.envelope)
            .where(OutboxRow.type == task_event_type(department, verb))
            .order_by(OutboxRow.seq)
        )
        return [json.loads(e)["data"] for e in rows.all()]


async def dispatch_to_completion(app: RunningApp, department: str, path: str) -> dict[str, Any]:
    """The front desk dispatches a complaint; the department's own role assigns, starts and
    completes its task over HTTP; the completion goes out as the department's event."""
    c = complaint(department)
    await known_user(app, "tech-lee", department)
    await publish(app, c, "dispatched", subject=c.complaint_id)
    task = await one_task(app, path, c.complaint_id)
    assert task["status"] == "open" and task["department"] == department
    staff = auth(app, department)
    base = f"/v1/{path}/{task['id']}"
    steps = [
        ("assign", {"assignee": "tech-lee"}, "assigned"),
        ("start", {}, "in_progress"),
        ("complete", {"resolution_notes": "done and checked"}, "completed"),
    ]
    for action, body, status in steps:
        r = await app.client.post(f"{base}/{action}", json=body, headers=staff)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == status
    completed = await task_events(app, department, "completed")
    assert [(e["task_id"], e["notes"]) for e in completed] == [(task["id"], "done and checked")]
    r = await app.client.get(base)
    assert [h["action"] for h in r.json()["history"]] == [
        "created",
        "assigned",
        "started",
        "completed",
    ]
    return r.json()
