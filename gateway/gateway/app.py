"""The gateway: sign-in, users and roles, ``/api/<service>/...`` routing, health, and the web
portal at ``/``."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import structlog
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.live.api import router as live_router
from gateway.notifications import runtime as notifications
from gateway.notifications.api import router as notifications_router
from gateway.portal.app import install as install_portal
from gateway.portal.routes.documents import PORTAL_UPLOAD
from gateway.proxy.api import router as proxy_router
from gateway.settings import GatewaySettings
from gateway.users import service as users
from gateway.users.api import router as users_router
from gateway.views.api import router as views_router
from propops.bus import Bus
from propops.db import Database
from propops.errors import PROBLEM_RESPONSES
from propops.http import client_limits
from propops.messaging.outbox import OutboxRelay
from propops.runtime import tune_gc
from propops.service import base_app, open_database
from propops.settings import DEPARTMENTS
from propops.uploads import GATEWAY_DOCUMENTS_UPLOAD, upload_body_limit

log = structlog.get_logger("gateway")


@dataclass
class GatewayContext:
    settings: GatewaySettings
    db: Database
    bus: Bus
    http: httpx.AsyncClient
    urls: dict[str, str]
    # the proxy's look at each user: (active, version) or None if unknown, and when
    active_cache: dict[str, tuple[tuple[bool, int] | None, float]] = field(default_factory=dict)


async def first_admin(session: AsyncSession, settings: GatewaySettings) -> None:
    """Create user ``admin`` when there is no user at all. Its password is
    ``PROPOPS_ADMIN_PASSWORD`` (``propops up`` sets one it generated and prints it itself);
    without it, one is generated only when stderr is a terminal, and shown there, never logged.
    """
    if await users.has_users(session):
        return
    password, generated = settings.admin_password, False
    if not password:
        if not sys.stderr.isatty():
            log.error(
                "no_admin",
                note="no user exists and PROPOPS_ADMIN_PASSWORD is not set: set it and restart, "
                "or add an admin with `propops user add admin --role admin`",
            )
            return
        password, generated = users.generate_password(), True
    await users.ensure_first_admin(session, password)
    log.warning("first_admin_created", username="admin", generated=generated)
    if generated:
        print(f"Sign in as 'admin' with the generated password: {password}", file=sys.stderr)


# The gateway's docs page links to each service's own, loaded through the gateway.
DESCRIPTION = (
    "Sign in at `POST /api/auth/token`; every service under `/api/<service>/`.\n\n"
    "Each service's API: "
    + ", ".join(f"[{name}](/api/{name}/docs)" for name in DEPARTMENTS)
    + " (ReDoc: `/api/<service>/redoc`)."
)


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = GatewaySettings.of(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_database(settings, Path(__file__).parent / "migrations") as db:
            async with db.sessions() as session:
                await first_admin(session, settings)
                await users.publish_all(session)
            bus = Bus(settings)
            relay = OutboxRelay(
                db, bus, service_name="gateway", sweep_seconds=settings.outbox_sweep_seconds
            )
            await bus.start()
            await relay.start()
            http = httpx.AsyncClient(
                timeout=httpx.Timeout(
                    settings.proxy_timeout, connect=settings.proxy_connect_timeout
                ),
                limits=client_limits(max_connections=200, max_keepalive_connections=50),
            )
            app.state.ctx = GatewayContext(settings, db, bus, http, settings.service_urls())
            tune_gc(settings.gc_gen0_threshold)
            try:
                async with notifications.running(app):  # live hub, bell consumer, e-mail
                    yield
            finally:
                await http.aclose()
                await relay.stop()
                await bus.close()

    app = base_app(
        settings,
        title="PropOps gateway",
        description=DESCRIPTION,
        lifespan=lifespan,
        # the front desk's document upload (the API's and the portal's form), and only it,
        # takes the documents' size limit
        larger_bodies={
            GATEWAY_DOCUMENTS_UPLOAD: upload_body_limit(settings),
            PORTAL_UPLOAD: upload_body_limit(settings),
        },
    )
    app.state.behind_gateway = False  # propops.errors.forwarded_prefix
    app.state.user_check = users.check_principal
    app.include_router(users_router, responses=PROBLEM_RESPONSES)
    app.include_router(views_router, responses=PROBLEM_RESPONSES)
    app.include_router(notifications_router, responses=PROBLEM_RESPONSES)
    app.include_router(live_router, responses=PROBLEM_RESPONSES)
    app.include_router(proxy_router)
    install_portal(app)
    return app
