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

    def start(self) -> EmbeddedNats:
        ports_dir = self.store / "ports"
        natsserver.clear_ports(ports_dir)
        argv = natsserver.argv(self.store / "js", ports_dir, self.port or None)
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        proc = self.proc
        self.port = natsserver.wait_ready(ports_dir, proc.pid, lambda: proc.poll() is None, 15)
        return self

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
