"""Finding or starting the real servers tests run against."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from propops import natsserver


def docker_answers() -> bool:
    if not shutil.which("docker") and not os.environ.get("DOCKER_HOST"):
        return False
    try:
        import docker  # type: ignore[import-untyped]

        docker.from_env(timeout=2).ping()
        return True
    except Exception:  # noqa: BLE001 - any failure: no engine
        return False


def tcp_answers(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


@dataclass
class EmbeddedNats:
    """A nats-server child we control: tests stop and restart it (same port, same store)."""

    store: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="propops-nats-")))
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    name: str | None = None
    cluster: natsserver.Cluster | None = None

    def start(self) -> EmbeddedNats:
        self.launch()
        self.wait()
        return self

    def launch(self) -> None:
        """Start the process (``wait`` then waits until it is healthy)."""
        ports_dir = self.store / "ports"
        natsserver.clear_ports(ports_dir)
        argv = natsserver.argv(
            self.store / "js", ports_dir, self.port or None, self.name, self.cluster
        )
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait(self, within: float = 30) -> None:
        proc = self.proc
        assert proc is not None
        ports_dir = self.store / "ports"
        self.port = natsserver.wait_ready(ports_dir, proc.pid, lambda: proc.poll() is None, within)

    def kill(self) -> None:
        """Kill the server at once (SIGKILL: no lame duck, no clean shutdown)."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None

    def restart(self, down_for: float = 0.0) -> None:
        self.stop()
        time.sleep(down_for)
        self.start()


@dataclass
class NatsCluster:
    """A JetStream cluster of ``size`` nats-server children on loopback, with fixed client and
    route ports so that a node killed and started again comes back where it was."""

    store: Path
    size: int = 3
    name: str = field(default_factory=lambda: unique("propops-"))
    nodes: list[EmbeddedNats] = field(default_factory=list)

    @property
    def url(self) -> str:
        """The comma-separated URL list a client is given."""
        return ",".join(node.url for node in self.nodes)

    def start(self) -> NatsCluster:
        routes = tuple(_free_port() for _ in range(self.size))
        for i in range(self.size):
            self.nodes.append(
                EmbeddedNats(
                    store=self.store / f"n{i}",
                    port=_free_port(),
                    name=f"{self.name}-n{i}",
                    cluster=natsserver.Cluster(self.name, routes[i], routes),
                )
            )
        for node in self.nodes:
            node.launch()
        for node in self.nodes:  # a node is healthy once the cluster has a JetStream leader
            node.wait()
        return self

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def nats_url_for_tests():
    """Yield a NATS URL in the documented order."""
    env = os.environ.get("PROPOPS_TEST_NATS_URL")
    if env:
        yield env
        return
    if docker_answers():
        from testcontainers.community.nats import NatsContainer

        with NatsContainer(jetstream=True) as container:
            yield container.nats_uri()
        return
    if tcp_answers("127.0.0.1", 4222):
        yield "nats://127.0.0.1:4222"
        return
    server = EmbeddedNats().start()
    try:
        yield server.url
    finally:
        server.stop()


@contextlib.contextmanager
def postgres_server_url():
    """Yield a PostgreSQL server URL (asyncpg driver) or None for SQLite."""
    env = os.environ.get("PROPOPS_TEST_DATABASE_URL")
    if env:
        yield env
        return
    if docker_answers():
        from testcontainers.community.postgres import PostgresContainer

        with PostgresContainer("postgres:16", driver="asyncpg") as pg:
            yield pg.get_connection_url()
        return
    yield None


def _server_base(url: str) -> tuple[str, str]:
    """Split ``postgresql+asyncpg://u@h:p/db`` into (base without db, db)."""
    head, _, db = url.rpartition("/")
    if "://" not in head:  # no database part
        return url.rstrip("/"), ""
    return head, db


async def create_database(server_url: str, name: str) -> str:
    import asyncpg

    base, _ = _server_base(server_url)
    plain = base.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(plain + "/postgres")
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return f"{base}/{name}"


async def drop_database(server_url: str, name: str) -> None:
    import asyncpg

    base, _ = _server_base(server_url)
    plain = base.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(plain + "/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"
