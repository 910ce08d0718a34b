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
from propops.errors import install_problem_handlers
from propops.migrations import upgrade
from propops.runtime import tune_gc
from propops.service import health_router
from propops.telemetry import (
    instrument_app,
    instrument_engine,
    setup_logging,
    setup_tracing,
    shutdown_tracing,
)

log = structlog.get_logger("gateway")


@dataclass
class GatewayContext:
    settings: GatewaySettings
    db: Database
    bus: Bus
    http: httpx.AsyncClient
    urls: dict[str, str]
    active_cache: dict[str, tuple[bool, float]] = field(default_factory=dict)


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        setup_logging("gateway", settings.log_level, settings.log_json)
        setup_tracing("gateway")
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        db = Database(settings.resolved_database_url())
        instrument_engine(db.sync_engine)
        await upgrade(db.engine, Path(__file__).parent / "migrations", "gateway")
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
            timeout=httpx.Timeout(settings.proxy_timeout, connect=settings.proxy_connect_timeout),
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        )
        app.state.ctx = GatewayContext(settings, db, bus, http, settings.service_urls())
        tune_gc(settings.gc_gen0_threshold)
        try:
            yield
        finally:
            await http.aclose()
            await bus.close()
            await db.dispose()
            shutdown_tracing()

    app = FastAPI(
        title="PropOps gateway",
        version="0.1.0",
        lifespan=lifespan,
        description="Sign in at POST /api/auth/token; every service under /api/<service>/.",
    )
    app.state.settings = settings
    install_problem_handlers(app)
    instrument_app(app)
    app.include_router(health_router())
    app.include_router(users_router)
    app.include_router(proxy_router)
    return app
