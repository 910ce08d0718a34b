"""The gateway's background work for the portal, started in its lifespan: the live hub (SSE),
the notification consumer (a durable consumer with the inbox, so each event makes its
notifications once, across restarts) and the e-mail sweep."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import structlog
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.live.hub import LiveEvent, LiveHub
from gateway.notifications import service
from gateway.notifications.mail import mail_loop
from gateway.notifications.rules import subscriptions
from propops.events.envelope import CloudEvent
from propops.messaging.consumer import EventConsumer
from propops.messaging.subscriptions import PayloadHandler

CONSUMER = "gateway-notifications"
log = structlog.get_logger("gateway.notifications")


def notifier(hub: LiveHub) -> PayloadHandler[BaseModel]:
    """The consumer's handler: the event's notifications, and once they are committed a live
    ``notification`` to the open pages of their audience (their bells refresh)."""

    async def notify(session: AsyncSession, payload: BaseModel, event: CloudEvent) -> None:
        drafts = await service.record_event(session, payload, event)
        if not drafts:
            return

        def committed(_session: object) -> None:
            for d in drafts:
                hub.publish(
                    LiveEvent(
                        "notification",
                        event.type,
                        d.kind,
                        event.id,
                        None,
                        d.property_id,
                        None,
                        audience=d.audience,
                    )
                )

        sa_event.listen(session.sync_session, "after_commit", committed, once=True)

    return notify


@contextlib.asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[None]:
    ctx = app.state.ctx
    hub = LiveHub(ctx.bus)
    app.state.live_hub = hub
    await hub.start()
    consumers: list[EventConsumer] = []

    async def start_consumer() -> None:
        """After the bus is first ready (the gateway's own readiness does not wait on this
        consumer's set-up); later reconnections set it up again by themselves."""
        await ctx.bus.wait_ready()
        consumer = EventConsumer(
            ctx.db, ctx.bus, ctx.settings, subscriptions(notifier(hub)), name=CONSUMER
        )
        consumers.append(consumer)
        while True:
            try:
                await consumer.start()
                return
            except Exception as exc:  # noqa: BLE001 - NATS went away meanwhile: try again
                log.warning("notification_consumer_start_failed", error=str(exc))
                await asyncio.sleep(1.0)

    starting = asyncio.create_task(start_consumer(), name="notification-consumer")
    mailer = asyncio.create_task(mail_loop(ctx.db, ctx.settings), name="notification-mail")
    try:
        yield
    finally:
        for task in (mailer, starting):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for consumer in consumers:
            await consumer.stop()
        await hub.stop()
