"""The bell (notifications from the services' events, once per event, per role and property,
e-mailed when an SMTP server is set) and the live stream (SSE), through a real gateway, real
services, a real NATS and a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from datetime import UTC, datetime
from email import message_from_bytes
from email.header import decode_header, make_header

import httpx
from aiosmtpd.controller import Controller
from sqlalchemy import select
from test_gateway import bearer, sign_in, start_departments, start_gateway  # noqa: F401

from gateway.notifications.models import Notification
from propops.events import new_event
from propops.events.catalog import subject_for, task_event_type
from propops.events.payloads import TaskChanged
from propops.messaging.models import OutboxRow
from propops.testing.fixtures import RunningApp, eventually, free_port
from propops.testing.servers import EmbeddedNats


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str, str]] = []

    async def handle_DATA(self, server, session, envelope):
        msg = message_from_bytes(envelope.content)
        subject = str(make_header(decode_header(msg["Subject"])))
        body = msg.get_payload(decode=True).decode()
        self.messages.append((list(envelope.rcpt_tos), subject, body))
        return "250 OK"


@contextlib.contextmanager
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


class Listener:
    """An SSE client reading ``/api/live`` in the background."""

    def __init__(self, url: str, token: str) -> None:
        self.events: list[tuple[str, dict]] = []
        self._client = httpx.AsyncClient(base_url=url, headers=bearer(token), timeout=None)
        self._task = asyncio.create_task(self._read())
        self.ready = asyncio.Event()

    async def _read(self) -> None:
        async with self._client.stream("GET", "/api/live") as r:
            assert r.status_code == 200 and r.headers["content-type"].startswith(
                "text/event-stream"
            )
            name = ""
            async for line in r.aiter_lines():
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    if name == "ready":
                        self.ready.set()
                    else:
                        self.events.append((name, json.loads(line[6:])))

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._task
        await self._client.aclose()


async def add_user(gw: RunningApp, name: str, role: str, props: list[str] | None = None) -> str:
    r = await gw.client.post(
        "/api/users",
        json={
            "username": name,
            "password": f"{name}-pass-1",
            "roles": [role],
            "property_ids": props or [],
        },
    )
    assert r.status_code == 201, r.text
    return await sign_in(gw, name, f"{name}-pass-1")


async def count(gw: RunningApp, token: str) -> int:
    r = await gw.client.get("/api/notifications/count", headers=bearer(token))
    assert r.status_code == 200, r.text
    return r.json()["unread"]


async def test_new_task_rings_the_bell_once_streams_live_and_is_emailed(
    start_service,
    start_gateway,  # noqa: F811 (the fixture imported above)
) -> None:
    apps = await start_departments(start_service, ("frontdesk", "engineering"))
    for app in apps.values():
        assert await app.ctx.bus.wait_ready(within=15)
    with smtp_server() as (inbox, smtp_port):
        gw = await start_gateway(
            {n: a.url for n, a in apps.items()},
            smtp_host="127.0.0.1",
            smtp_port=smtp_port,
            notify_emails={"engineering": "eng@office.test"},
            mail_sweep_seconds=0.2,
        )
        assert await gw.ctx.bus.wait_ready(within=15)
        hka = (
            await gw.client.post("/api/frontdesk/v1/properties", json={"code": "A", "name": "A"})
        ).json()["id"]
        hkb = (
            await gw.client.post("/api/frontdesk/v1/properties", json={"code": "B", "name": "B"})
        ).json()["id"]
        tech = await add_user(gw, "tech", "engineering")
        far_tech = await add_user(gw, "fartech", "engineering", [hkb])
        clerk = await add_user(gw, "clerk", "frontdesk")
        cleaner = await add_user(gw, "cleaner", "cleaning")
        live_tech = Listener(gw.url, tech)
        live_far = Listener(gw.url, far_tech)
        live_cleaner = Listener(gw.url, cleaner)
        for listener in (live_tech, live_far, live_cleaner):
            await asyncio.wait_for(listener.ready.wait(), 10)
        try:
            r = await gw.client.post(
                "/api/frontdesk/v1/complaints",
                json={"property_id": hka, "channel": "phone", "description": "Lift stuck"},
                headers=bearer(clerk),
            )
            complaint = r.json()["id"]
            await gw.client.post(
                f"/api/frontdesk/v1/complaints/{complaint}/classify",
                json={"nature": "valid", "department": "engineering"},
                headers=bearer(clerk),
            )
            r = await gw.client.post(
                f"/api/frontdesk/v1/complaints/{complaint}/dispatch", headers=bearer(clerk)
            )
            assert r.status_code == 200, r.text

            async def tech_sees_task() -> list:
                return [e for n, e in live_tech.events if n == "task" and e["verb"] == "created"]

            [created] = await eventually(tech_sees_task, what="the task, live")
            assert created["department"] == "engineering" and created["complaint_id"] == complaint

            async def rung() -> bool:
                return await count(gw, tech) == 1

            await eventually(rung, what="the bell")
            r = await gw.client.get("/api/notifications", headers=bearer(tech))
            [note] = r.json()["items"]
            assert note["kind"] == "task_created" and note["read"] is False
            assert note["params"]["task_id"] == created["id"]
            assert "Engineering" in note["text"] or "engineering" in note["text"]

            # e-mailed once to the department's address, in both languages
            async def mailed() -> bool:
                return len(inbox.messages) >= 1

            await eventually(mailed, what="the e-mail")
            [(to, subject, _body)] = inbox.messages
            assert to == ["eng@office.test"] and "New task" in subject and "工" in subject

            # the same event delivered again makes no second notification
            async with apps["engineering"].ctx.db.sessions() as s:
                row = await s.scalar(
                    select(OutboxRow).where(OutboxRow.type.endswith("workorder.created.v1"))
                )
            assert row is not None
            await apps["engineering"].ctx.bus.publish(
                subject_for(row.type, apps["engineering"].settings.nats_namespace),
                row.envelope.encode(),
                str(uuid.uuid4()),
            )
            marker, _ = await publish_task(apps["engineering"], hka, "reopened")

            async def marker_in() -> bool:
                async with gw.ctx.db.sessions() as s:
                    return (
                        await s.scalar(select(Notification).where(Notification.event_id == marker))
                    ) is not None

            await eventually(marker_in, what="the later event's notification")
            assert await count(gw, tech) == 2  # the repeat made nothing; the reopen one more

            # role and property: the clerk and the cleaner hear nothing of it, the HKB tech neither
            assert await count(gw, clerk) == 0 and await count(gw, cleaner) == 0
            assert await count(gw, far_tech) == 0
            assert not [e for n, e in live_cleaner.events if n == "task"]
            assert not [e for n, e in live_far.events if n == "task"]

            # mark read: one, then all
            r = await gw.client.post(f"/api/notifications/{note['id']}/read", headers=bearer(tech))
            assert r.status_code == 200 and r.json()["unread"] == 1
            r = await gw.client.post(f"/api/notifications/{note['id']}/read", headers=bearer(clerk))
            assert r.status_code == 404  # not theirs to see
            r = await gw.client.post("/api/notifications/read-all", headers=bearer(tech))
            assert r.json()["unread"] == 0

            async def both_mailed() -> bool:  # the mail sweep runs on its own beat
                return len(inbox.messages) >= 2

            await eventually(both_mailed, what="the reopened task's e-mail")
            assert len(inbox.messages) == 2  # the reopened task was mailed too, once
        finally:
            for listener in (live_tech, live_far, live_cleaner):
                await listener.close()


async def publish_task(app: RunningApp, property_id: str, verb: str) -> tuple[str, str]:
    """A task event as a department publishes it: (event id, task id)."""
    payload = TaskChanged(
        task_id=str(uuid.uuid4()),
        department="engineering",
        property_id=property_id,
        status=verb,
        at=datetime.now(UTC),
    )
    event = new_event(
        payload, subject=payload.task_id, event_type=task_event_type("engineering", verb)
    )
    await app.ctx.bus.publish(
        subject_for(event.type, app.settings.nats_namespace), event.to_json(), event.id
    )
    return event.id, payload.task_id


async def test_live_stream_survives_a_nats_restart(start_gateway) -> None:  # noqa: F811
    server = EmbeddedNats().start()
    try:
        gw = await start_gateway(nats_url=server.url)
        assert await gw.ctx.bus.wait_ready(within=15)
        tech = await add_user(gw, "tech", "engineering")
        listener = Listener(gw.url, tech)
        await asyncio.wait_for(listener.ready.wait(), 10)
        try:
            _, first = await publish_task(gw, "p1", "created")
            await eventually(lambda: _has(listener, first), what="the first event, live")
            await asyncio.to_thread(server.restart, 0.5)
            assert await gw.ctx.bus.wait_ready(within=20)

            async def after_restart() -> bool:
                # published until one arrives: the client re-subscribes after its reconnection
                _, task_id = await publish_task(gw, "p1", "created")
                await asyncio.sleep(0.2)
                return await _has(listener, task_id)

            await eventually(after_restart, within=30, interval=0.3, what="live after restart")

            # deactivated: the stream says so and ends (the page goes back to sign-in)
            users = (await gw.client.get("/api/users")).json()["items"]
            tech_id = next(u["id"] for u in users if u["username"] == "tech")
            assert (await gw.client.post(f"/api/users/{tech_id}/deactivate")).status_code == 200
            _, hidden = await publish_task(gw, "p1", "created")

            async def signed_out() -> bool:
                return any(n == "signed-out" for n, _ in listener.events)

            await eventually(signed_out, what="the stream ended for a deactivated user")
            assert not await _has(listener, hidden)
        finally:
            await listener.close()
    finally:
        server.stop()


async def _has(listener: Listener, task_id: str) -> bool:
    return any(n == "task" and e["id"] == task_id for n, e in listener.events)
