"""The gateway: sign-in, users and roles, ``/api/<service>/...`` routing, health."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import structlog
from fastapi import FastAPI

from gateway.proxy.api import router as proxy_router
from gateway.settings import GatewaySettings
from gateway.users import service as users
from gateway.users.api import router as users_router
from propops.bus import Bus
from propops.db import Database
from propops.errors import PROBLEM_RESPONSES
from propops.runtime import tune_gc
from propops.service import base_app, open_database
from propops.settings import DEPARTMENTS

log = structlog.get_logger("gateway")


@dataclass
class GatewayContext:
    settings: GatewaySettings
    db: Database
    bus: Bus
    http: httpx.AsyncClient
    urls: dict[str, str]
    active_cache: dict[str, tuple[bool, float]] = field(default_factory=dict)


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
                generated = await users.ensure_first_admin(session, settings.admin_password)
            if generated:
                log.warning(
                    "first_admin_created",
                    username="admin",
                    password=generated,
                    note="shown once; change it with PATCH /api/users/{id}",
                )
            bus = Bus(settings)
            await bus.start()
            http = httpx.AsyncClient(
                timeout=httpx.Timeout(
                    settings.proxy_timeout, connect=settings.proxy_connect_timeout
                ),
                limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
            )
            app.state.ctx = GatewayContext(settings, db, bus, http, settings.service_urls())
            tune_gc(settings.gc_gen0_threshold)
            try:
                yield
            finally:
                await http.aclose()
                await bus.close()

    app = base_app(
        settings,
        title="PropOps gateway",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.behind_gateway = False  # propops.errors.forwarded_prefix
    app.include_router(users_router, responses=PROBLEM_RESPONSES)
    app.include_router(proxy_router)
    return app
