"""What a running service's routes and jobs need: its ``ServiceContext`` and a database session.

Kept apart from ``propops.service`` (which builds the app) so that features, ``propops.ops``
and ``propops.tasks`` depend on this small module, not on the app builder.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from propops.bus import Bus
from propops.db import Database
from propops.messaging.consumer import EventConsumer
from propops.messaging.outbox import OutboxRelay
from propops.settings import ServiceSettings


@dataclass
class ServiceContext:
    settings: ServiceSettings
    db: Database
    bus: Bus
    relay: OutboxRelay
    consumer: EventConsumer


# A background job of a service (e.g. a periodic sweep): started after the consumers, runs until
# cancelled at shutdown; it should catch and log its own errors.
BackgroundJob = Callable[[ServiceContext], Awaitable[None]]


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session for one request (FastAPI dependency)."""
    async with request.app.state.ctx.db.sessions() as session:
        yield session


def context_of(request: Request) -> ServiceContext:
    """The running service's context (FastAPI dependency)."""
    ctx: ServiceContext = request.app.state.ctx
    return ctx
