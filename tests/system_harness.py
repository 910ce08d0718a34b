"""Harness for cross-service tests: processes started as ``propops up`` starts them (the same
supervisor code), driven through the gateway."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from gateway import supervisor as sv
from propops.http import client_limits
from propops.settings import DEPARTMENTS
from propops.testing import servers

ADMIN_PASSWORD = "system-admin-pass"
T = TypeVar("T")


@dataclass
class System:
    """One installation: its own data dir, NATS namespace and databases."""

    data_dir: Path
    nats_url: str
    namespace: str
    extra_env: dict[str, str] = field(default_factory=dict)
    plan: sv.Plan | None = None

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PROPOPS_")}
        env.update(
            {
                "PROPOPS_DATA_DIR": str(self.data_dir),
                "PROPOPS_GATEWAY_PORT": "0",  # any free port (moved if taken before it binds)
                "PROPOPS_NATS_URL": self.nats_url,
                "PROPOPS_NATS_NAMESPACE": self.namespace,
                "PROPOPS_ADMIN_PASSWORD": ADMIN_PASSWORD,
                "PROPOPS_LOG_LEVEL": "INFO",
                "PROPOPS_RETRY_BACKOFF_SECONDS": "0.1",
                "PROPOPS_OUTBOX_SWEEP_SECONDS": "0.5",
                "PROPOPS_ACK_WAIT_SECONDS": "5",
                **self.extra_env,
            }
        )
        self.plan = sv.plan(env)
        sv.launch(self.plan, self.nats_url)

    @property
    def gateway_url(self) -> str:
        assert self.plan is not None
        return self.plan.gateway_url

    def child(self, name: str) -> sv.Child:
        assert self.plan is not None
        return next(c for c in self.plan.children if c.name == name)

    def stop_service(self, name: str) -> None:
        child = self.child(name)
        child.terminate()
        child.wait_or_kill(time.monotonic() + 15)

    def start_service(self, name: str) -> None:
        child = self.child(name)
        child.start()
        sv.wait_ready([child])

    def add_replica(self, name: str) -> sv.Child:
        """Start one more process of service ``name`` on its own port, with the same settings
        (same database, same NATS), as a second replica of a deployment runs; stopped with the
        system."""
        assert self.plan is not None
        first = self.child(name)
        n = sum(1 for c in self.plan.children if c.name.split("#")[0] == name) + 1
        port = servers_free_port()
        replica = sv.Child(
            f"{name}#{n}",
            sv.uvicorn_argv(name, port),
            dict(first.env),
            first.log_path.with_name(f"{name}-{n}.log"),
            f"http://127.0.0.1:{port}/readyz",
        )
        self.plan.children.insert(0, replica)
        replica.start()
        sv.wait_ready([replica])
        return replica

    def stop(self) -> None:
        if self.plan is not None:
            sv.stop_all(self.plan)

    def logs(self, name: str) -> str:
        return self.child(name).tail(40)


def blocking(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, even inside a running event loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def servers_free_port() -> int:
    return sv.free_port()


@pytest.fixture
def make_system(
    tmp_path: Path, nats_url: str, namespace: str, pg_server_url: str | None
) -> Iterator:
    """``make_system(nats_url=None, **env)``: a System, on PostgreSQL when the tests are."""
    made: list[System] = []
    databases: list[str] = []

    def make(nats: str | None = None, **env: str) -> System:
        extra = {**database_env(pg_server_url, databases), **env}
        system = System(tmp_path / f"system{len(made)}", nats or nats_url, namespace, extra)
        made.append(system)
        return system

    yield make
    for system in made:
        system.stop()
    drop_databases(pg_server_url, databases)


def database_env(pg_server_url: str | None, databases: list[str]) -> dict[str, str]:
    """On PostgreSQL: a fresh database per service (names added to ``databases``)."""
    extra: dict[str, str] = {}
    if pg_server_url is not None:
        for name in (*DEPARTMENTS, "gateway"):
            db = servers.unique(f"s_{name}_")
            url = blocking(servers.create_database(pg_server_url, db))
            databases.append(db)
            extra[f"PROPOPS_{name.upper()}_DATABASE_URL"] = url
    return extra


def drop_databases(pg_server_url: str | None, databases: list[str]) -> None:
    if pg_server_url is not None:
        for db in databases:
            with contextlib.suppress(Exception):
                blocking(servers.drop_database(pg_server_url, db))


@pytest.fixture(scope="module")
def module_system(
    tmp_path_factory: pytest.TempPathFactory, nats_url: str, pg_server_url: str | None
) -> Iterator[System]:
    """One started system shared by a module's flows (each flow on its own property)."""
    from propops.testing.fixtures import delete_streams

    databases: list[str] = []
    namespace = servers.unique("t")
    system = System(
        tmp_path_factory.mktemp("system"),
        nats_url,
        namespace,
        database_env(pg_server_url, databases),
    )
    system.start()
    yield system
    system.stop()
    blocking(delete_streams(nats_url, namespace))
    drop_databases(pg_server_url, databases)


@pytest.fixture
def system(make_system) -> Iterator[System]:
    s = make_system()
    s.start()
    yield s
    s.stop()


@pytest.fixture
async def admin(system: System) -> AsyncIterator[httpx.AsyncClient]:
    async with signed_in(system.gateway_url) as client:
        yield client


@contextlib.asynccontextmanager
async def signed_in(
    url: str, username: str = "admin", password: str = ADMIN_PASSWORD
) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=client_limits()) as client:
        r = await client.post("/api/auth/token", data={"username": username, "password": password})
        assert r.status_code == 200, r.text
        client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        yield client
