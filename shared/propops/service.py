"""The skeleton every department service is built on: ``build_service_app``.

It wires the database (migrations applied at start), the bus, the outbox relay, the event
consumers, tracing and logs, problem+json errors, ``/healthz``, ``/readyz``, the ``/ops`` routes,
and mounts the service's ``/v1`` routers behind the token and rights checks.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import structlog
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from propops.auth import require_service_rights
from propops.bus import Bus
from propops.db import Database
from propops.errors import install_problem_handlers
from propops.events.envelope import CloudEvent
from propops.messaging.consumer import EventConsumer, Handler
from propops.messaging.outbox import OutboxRelay
from propops.migrations import upgrade
from propops.runtime import tune_gc
from propops.settings import ServiceSettings
from propops.telemetry import (
    instrument_app,
    instrument_engine,
    setup_logging,
    setup_tracing,
    shutdown_tracing,
)

if TYPE_CHECKING:
    from propops.tasks import TaskFeature

log = structlog.get_logger("propops.service")


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
    async with request.app.state.ctx.db.sessions() as session:
        yield session


def build_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    routers: list[APIRouter],
    handlers: dict[str, Handler] | None = None,
    migrations: Path,
    jobs: list[BackgroundJob] | None = None,
    tasks: TaskFeature | None = None,
) -> FastAPI:
    """``tasks`` switches the department tasks on (``propops.tasks``): their routes, their
    handlers of the front desk's complaint events, and their migrations (applied between the
    messaging migrations and the service's own)."""
    name = settings.service_name
    if tasks is not None:
        routers = [*routers, tasks.router()]
        handlers = merge_handlers(handlers or {}, tasks.handlers(settings.nats_namespace))
    extra_migrations = [tasks.migrations] if tasks is not None else []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_database(settings, migrations, extra_migrations) as db:
            async with run_messaging(app, db, settings, handlers or {}, jobs or []):
                yield

    app = base_app(settings, title=title, description=description, lifespan=lifespan)
    from propops.ops import ops_router

    app.include_router(ops_router())
    rights = Depends(require_service_rights(name))
    for router in routers:
        app.include_router(router, prefix="/v1", dependencies=[rights])
    return app


def merge_handlers(*tables: dict[str, Handler]) -> dict[str, Handler]:
    """One handler per event type; where several features handle the same type, they run one
    after the other in the same transaction."""
    merged: dict[str, list[Handler]] = {}
    for table in tables:
        for event_type, handler in table.items():
            merged.setdefault(event_type, []).append(handler)
    return {t: hs[0] if len(hs) == 1 else _in_sequence(hs) for t, hs in merged.items()}


def _in_sequence(handlers: list[Handler]) -> Handler:
    async def run(session: AsyncSession, event: CloudEvent) -> None:
        for handler in handlers:
            await handler(session, event)

    return run


@asynccontextmanager
async def run_messaging(
    app: FastAPI,
    db: Database,
    settings: ServiceSettings,
    handlers: dict[str, Handler],
    jobs: list[BackgroundJob],
) -> AsyncIterator[None]:
    """The bus, the outbox relay, the consumers and the background jobs of a running service;
    stopped in reverse order."""
    name = settings.service_name
    bus = Bus(settings)
    relay = OutboxRelay(db, bus, service_name=name, sweep_seconds=settings.outbox_sweep_seconds)
    consumer = EventConsumer(db, bus, settings, handlers)
    app.state.ctx = ServiceContext(settings, db, bus, relay, consumer)
    await bus.start()
    await relay.start()
    await consumer.start()
    running = [
        asyncio.create_task(job(app.state.ctx), name=f"{name}-job-{i}")
        for i, job in enumerate(jobs)
    ]
    tune_gc(settings.gc_gen0_threshold)
    log.info("service_started", service=name)
    try:
        yield
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        await consumer.stop()
        await relay.stop()
        await bus.close()
        log.info("service_stopped", service=name)


@asynccontextmanager
async def open_database(
    settings: ServiceSettings, migrations: Path, extra_migrations: Sequence[tuple[Path, str]] = ()
) -> AsyncIterator[Database]:
    """The start of every PropOps process (services and gateway): logs, tracing, the data dir,
    the database brought to head; on exit the database closed and spans flushed."""
    setup_logging(settings.service_name, settings.log_level, settings.log_json)
    setup_tracing(settings.service_name)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.resolved_database_url())
    instrument_engine(db.sync_engine)
    try:
        await upgrade(db.engine, migrations, settings.service_name, extra_migrations)
        yield db
    finally:
        await db.dispose()
        shutdown_tracing()


def base_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]],
) -> FastAPI:
    """A FastAPI app with problem+json errors, tracing, ``/healthz`` and ``/readyz``."""
    app = FastAPI(title=title, description=description, version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    install_problem_handlers(app)
    instrument_app(app)
    app.include_router(health_router())
    return app


def health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="Alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="Ready: database and NATS reachable")
    async def readyz(request: Request) -> JSONResponse:
        ctx: ServiceContext = request.app.state.ctx
        checks: dict[str, str] = {}
        try:
            await asyncio.wait_for(ctx.db.ping(), 2.0)
            checks["database"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["database"] = f"error: {type(exc).__name__}"
        try:
            await ctx.bus.ping()
            checks["nats"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["nats"] = f"error: {type(exc).__name__}"
        ok = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ok" if ok else "unavailable", "checks": checks},
            status_code=200 if ok else 503,
        )

    return router
