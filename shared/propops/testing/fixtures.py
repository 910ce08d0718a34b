"""Pytest plugin (``-p propops.testing.fixtures``): real NATS, real databases, real HTTP.

A service under test runs in-process on a real uvicorn server bound to a free loopback port,
against the NATS and database picked by ``propops.testing.servers``; each test gets its own
NATS namespace (streams and subjects) and its own databases, removed afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from propops.auth import issue_token
from propops.http import client_limits
from propops.settings import ServiceSettings
from propops.testing import servers

T = TypeVar("T")


@pytest.fixture(scope="session")
def nats_url() -> Iterator[str]:
    with servers.nats_url_for_tests() as url:
        yield url


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str | None]:
    with servers.postgres_server_url() as url:
        yield url


@pytest.fixture
async def namespace(nats_url: str) -> AsyncIterator[str]:
    """A NATS namespace of this test's own; its streams are deleted afterwards."""
    ns = servers.unique("t")
    yield ns
    await delete_streams(nats_url, ns)


async def delete_streams(nats_url: str, ns: str) -> None:
    import nats

    with contextlib.suppress(Exception):
        nc = await nats.connect(nats_url, connect_timeout=2, max_reconnect_attempts=1)
        js = nc.jetstream()
        for name in await js.streams_info():
            if name.config.name and name.config.name.startswith(ns.upper() + "_"):
                await js.delete_stream(name.config.name)
        await nc.close()


@pytest.fixture
async def make_db_url(
    pg_server_url: str | None, tmp_path: Path
) -> AsyncIterator[Callable[[str], Awaitable[str]]]:
    """``await make_db_url("fees")``: a fresh database for one service in this test."""
    created: list[str] = []

    async def make(service: str) -> str:
        if pg_server_url is None:
            return f"sqlite+aiosqlite:///{tmp_path / f'{service}.db'}"
        name = servers.unique(f"t_{service}_")
        url = await servers.create_database(pg_server_url, name)
        created.append(name)
        return url

    yield make
    if pg_server_url is not None:
        for name in created:
            with contextlib.suppress(Exception):
                await servers.drop_database(pg_server_url, name)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningApp:
    app: FastAPI
    settings: ServiceSettings
    url: str
    client: httpx.AsyncClient
    server: uvicorn.Server
    task: asyncio.Task[None]

    @property
    def ctx(self) -> Any:
        return self.app.state.ctx

    async def stop(self) -> None:
        self.server.should_exit = True
        await asyncio.wait_for(self.task, 20)


async def serve(
    app: FastAPI, settings: ServiceSettings, token: str | None = None, port: int | None = None
) -> RunningApp:
    port = port or free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    task = asyncio.create_task(server.serve())
    deadline = time.monotonic() + 30
    while not server.started:
        if task.done():
            task.result()  # raises the start-up error
            raise RuntimeError("server exited during start")
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        await asyncio.sleep(0.02)
    url = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    client = httpx.AsyncClient(base_url=url, headers=headers, timeout=30, limits=client_limits())
    return RunningApp(app, settings, url, client, server, task)


def tuned_settings(cls: type[ServiceSettings] = ServiceSettings, **kw: Any) -> ServiceSettings:
    """Settings tuned for tests: quick retries and sweeps, plain-text logs."""
    defaults: dict[str, Any] = {
        "retry_backoff_seconds": 0.05,
        "retry_backoff_max_seconds": 0.5,
        "max_deliver": 3,
        "outbox_sweep_seconds": 0.3,
        "ack_wait_seconds": 5.0,
        "log_json": False,
        "log_level": "WARNING",
        "gc_gen0_threshold": 0,  # many apps start in one test process: no gc.freeze there
    }
    defaults.update(kw)
    return cls(**defaults)


def token_for(
    settings: ServiceSettings,
    *roles: str,
    property_ids: list[str] | None = None,
    user_id: str = "test-user",
    version: int = 1,
) -> str:
    """A token as the gateway issues it (``version``: the user's, 1 for a new user)."""
    return issue_token(
        settings,
        user_id=user_id,
        username=user_id,
        roles=list(roles),
        property_ids=property_ids,
        version=version,
    )


@pytest.fixture
async def start_service(
    nats_url: str, namespace: str, make_db_url: Callable[[str], Awaitable[str]], tmp_path: Path
) -> AsyncIterator[Callable[..., Awaitable[RunningApp]]]:
    """``await start_service(create_app, "fees", **settings)``: a running service with an
    admin-token client, returned once its ``/readyz`` answers 200 (database reachable, bus
    connected: no test races the bus's first connection); ``ready=False`` returns as soon as
    it serves. Call again with the same name to restart it on its database."""
    running: list[RunningApp] = []
    db_urls: dict[str, str] = {}

    async def start(
        create_app: Callable[[ServiceSettings], FastAPI],
        name: str,
        settings_cls: type[ServiceSettings] = ServiceSettings,
        port: int | None = None,
        ready: bool = True,
        **overrides: Any,
    ) -> RunningApp:
        if name not in db_urls:
            db_urls[name] = await make_db_url(name)
        kw: dict[str, Any] = {
            "service_name": name,
            "database_url": db_urls[name],
            "nats_url": nats_url,
            "nats_namespace": namespace,
            "data_dir": tmp_path / name,
        }
        kw.update(overrides)
        settings = tuned_settings(settings_cls, **kw)
        app = create_app(settings)
        handle = await serve(app, settings, token_for(settings, "admin"), port=port)
        running.append(handle)
        if ready:
            await wait_until_ready(handle)
        return handle

    yield start
    for handle in reversed(running):
        with contextlib.suppress(Exception):
            await handle.client.aclose()
        if not handle.task.done():
            with contextlib.suppress(Exception):
                await handle.stop()


async def wait_until_ready(handle: RunningApp, within: float = 30.0) -> None:
    """Wait for ``/readyz`` to answer 200."""

    async def ready() -> bool:
        r = await handle.client.get("/readyz")
        assert r.status_code == 200, r.text
        return True

    await eventually(ready, within=within, what=f"{handle.settings.service_name} ready")


async def eventually(
    check: Callable[[], Awaitable[T]],
    *,
    within: float = 15.0,
    interval: float = 0.05,
    what: str = "condition",
) -> T:
    """Poll ``check`` until it returns a truthy value (or its assertion passes)."""
    deadline = time.monotonic() + within
    last: BaseException | None = None
    while time.monotonic() < deadline:
        try:
            result = await check()
            if result:
                return result
        except AssertionError as exc:
            last = exc
        await asyncio.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}: {last}")
