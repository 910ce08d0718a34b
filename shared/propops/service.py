"""The skeleton every department service is built on: ``build_service_app``.

It wires the database (migrations applied at start), the bus, the outbox relay, the event
consumers, tracing and logs, problem+json errors, ``/healthz``, ``/readyz``, the ``/ops`` routes,
and mounts each feature's routes (``/v1`` behind the token and rights checks), subscriptions and
jobs. What routes and jobs need at run time is in ``propops.context``.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import structlog
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from propops.auth import require_role, require_service_rights
from propops.bodylimit import BodyLimit
from propops.bus import STARTING, UNREACHABLE, Bus, BusUnavailable
from propops.context import BackgroundJob, ServiceContext
from propops.db import Database
from propops.directory.feature import directory_feature
from propops.directory.service import check_principal
from propops.docs import install_docs
from propops.errors import PROBLEM_RESPONSES, install_problem_handlers
from propops.feature import Feature
from propops.messaging.consumer import EventConsumer
from propops.messaging.outbox import OutboxRelay
from propops.messaging.subscriptions import On
from propops.migrations import upgrade
from propops.ops import ops_router
from propops.runtime import tune_gc
from propops.settings import ServiceSettings
from propops.telemetry import (
    instrument_app,
    instrument_engine,
    setup_logging,
    setup_tracing,
    shutdown_tracing,
)

log = structlog.get_logger("propops.service")


def build_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    features: Sequence[Feature],
    migrations: Path,
    larger_bodies: Mapping[tuple[str, str], int] | None = None,
) -> FastAPI:
    """A department service made of ``features``. Shared migration histories of features
    (e.g. department tasks) are applied between the messaging migrations and the service's own
    (``migrations``). Every service also keeps a copy of the gateway's users
    (``propops.directory``) and checks each token against it. ``larger_bodies``: the upload
    routes (method, path) allowed a larger body than ``max_body_bytes`` (``propops.bodylimit``).
    """
    name = settings.service_name
    features = [directory_feature(), *features]
    subscriptions = [s for f in features for s in f.subscriptions]
    jobs = [j for f in features for j in f.jobs]
    extra_migrations = [f.migrations for f in features if f.migrations is not None]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_database(settings, migrations, extra_migrations) as db:
            async with run_messaging(app, db, settings, subscriptions, jobs):
                yield

    app = base_app(
        settings,
        title=title,
        description=description,
        lifespan=lifespan,
        larger_bodies=larger_bodies,
    )
    app.state.user_check = check_principal
    app.include_router(ops_router(), responses=PROBLEM_RESPONSES)
    rights = Depends(require_service_rights(name))
    managers = Depends(require_role("manager"))
    staff_or_managers = Depends(require_service_rights(name, managers_write=True))
    for feature in features:
        for router in feature.routers:
            app.include_router(
                router, prefix="/v1", dependencies=[rights], responses=PROBLEM_RESPONSES
            )
        for router in feature.manager_routers:
            app.include_router(
                router, prefix="/v1", dependencies=[managers], responses=PROBLEM_RESPONSES
            )
        for router in feature.supervisor_routers:
            app.include_router(
                router, prefix="/v1", dependencies=[staff_or_managers], responses=PROBLEM_RESPONSES
            )
        for router in feature.public_routers:
            app.include_router(router)
    return app


@asynccontextmanager
async def run_messaging(
    app: FastAPI,
    db: Database,
    settings: ServiceSettings,
    subscriptions: Sequence[On[Any]],
    jobs: Sequence[BackgroundJob],
) -> AsyncIterator[None]:
    """The bus, the outbox relay, the consumers and the background jobs of a running service;
    stopped in reverse order."""
    name = settings.service_name
    bus = Bus(settings)
    relay = OutboxRelay(db, bus, service_name=name, sweep_seconds=settings.outbox_sweep_seconds)
    consumer = EventConsumer(db, bus, settings, subscriptions)
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
    larger_bodies: Mapping[tuple[str, str], int] | None = None,
) -> FastAPI:
    """A FastAPI app with problem+json errors, a request body limit, tracing, ``/healthz``,
    ``/readyz``, and its OpenAPI document and docs pages served without a CDN."""
    app = FastAPI(
        title=title,
        description=description,
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    install_problem_handlers(app)
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        read_timeout=settings.body_read_timeout,
        larger=larger_bodies,
    )
    install_docs(app)
    instrument_app(app)
    app.include_router(health_router())
    return app


def health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="Alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/readyz",
        summary="Ready: database and NATS reachable",
        description="200 when the database answers and the bus is connected. 503 otherwise, "
        "with ``status`` ``starting`` while the bus has not yet made its first connection "
        "(and no attempt has failed), ``unavailable`` when something is unreachable.",
    )
    async def readyz(request: Request) -> JSONResponse:
        ctx = request.app.state.ctx
        checks: dict[str, str] = {}
        try:
            await asyncio.wait_for(ctx.db.ping(), 2.0)
            checks["database"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["database"] = f"error: {type(exc).__name__}"
        checks["nats"] = await bus_health(ctx.bus)
        if all(v == "ok" for v in checks.values()):
            status, code = "ok", 200
        elif all(v in ("ok", STARTING) for v in checks.values()):
            status, code = STARTING, 503
        else:
            status, code = "unavailable", 503
        # ``pid``: the supervisor tells its own child from another process on the port
        body = {"status": status, "checks": checks, "pid": os.getpid()}
        return JSONResponse(body, status_code=code)

    return router


async def bus_health(bus: Bus, within: float = 2.0) -> str:
    """``ok``, ``starting`` (no connection made yet) or ``unreachable (<why>)``."""
    state = bus.state
    if state == STARTING:
        return STARTING
    if state == UNREACHABLE:
        return f"unreachable ({bus.last_error or BusUnavailable.__name__})"
    try:
        await asyncio.wait_for(bus.ping(), within)
        return "ok"
    except Exception as exc:  # noqa: BLE001
        return f"unreachable ({type(exc).__name__})"
