"""``propops up`` itself, as a user runs it: embedded NATS, readiness, sign-in banner, data kept
across starts, a dead service started again, a crash-looping service restarted with backoff
while the rest keeps working, Ctrl-C leaves nothing behind, a taken port."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import httpx
import pytest

from gateway.supervisor import free_port

pytestmark = pytest.mark.system

PROPOPS = [sys.executable, "-m", "gateway.cli"]
T = TypeVar("T")


def processes_of(data_dir: Path) -> list[int]:
    """PIDs whose environment names this data dir (our children), or whose argv does (NATS)."""
    marker = f"PROPOPS_DATA_DIR={data_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if marker in environ.split(b"\0") or str(data_dir).encode() in cmdline:
            found.append(int(entry.name))
    return found


class Up:
    def __init__(self, data_dir: Path, port: int, **env: str) -> None:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("PROPOPS_")}
        self.env = {
            **clean,
            "PROPOPS_DATA_DIR": str(data_dir),
            "PROPOPS_GATEWAY_PORT": str(port),
            **env,
        }
        self.out = data_dir.parent / f"up-{port}-{time.monotonic_ns()}.out"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Up:
        with self.out.open("wb") as out:
            self.proc = subprocess.Popen(
                [*PROPOPS, "up"],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        return self

    def text(self) -> str:
        return self.out.read_text(errors="replace")

    def wait_ready(self, timeout: float = 120, banner: str = "PropOps is ready") -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if banner in self.text():
                return self.text()
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise AssertionError(f"propops up exited:\n{self.text()}")
            time.sleep(0.2)
        raise AssertionError(f"not ready:\n{self.text()}")

    def interrupt(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(120)  # every child stops in turn: slow on a loaded machine


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    d = tmp_path / "var"
    yield d
    for pid in processes_of(d):  # never leave anything behind, even when a test fails
        os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def sign_in(url: str, password: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=30) as client:
        r = client.post("/api/auth/token", data={"username": "admin", "password": password})
        assert r.status_code == 200, r.text
        client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        yield client


def test_up_runs_everything_keeps_data_and_stops_clean(data_dir: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    up = Up(data_dir, port).start()  # no PROPOPS_NATS_URL: embedded nats-server
    banner = up.wait_ready()
    assert "(embedded" in banner and f"at {url}" in banner
    password = banner.split("generated password: ")[1].split()[0]
    logs = list((data_dir / "logs").glob("*.log"))
    assert logs and not [log.name for log in logs if password in log.read_text(errors="replace")]
    assert (data_dir / "nats").is_dir() and (data_dir / "frontdesk.db").exists()
    with sign_in(url, password) as admin:
        health = admin.get("/api/health")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        prop = admin.post("/api/frontdesk/v1/properties", json={"code": "KEEP", "name": "Kept"})
        assert prop.status_code == 201
        # a service that dies is started again by the supervisor, on the same port
        [fees_pid] = [
            p
            for p in processes_of(data_dir)
            if b"PROPOPS_SERVICE_NAME=fees" in Path(f"/proc/{p}/environ").read_bytes()
        ]
        os.kill(fees_pid, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while admin.get("/api/fees/v1/accounts").status_code != 200:
            assert time.monotonic() < deadline, up.text()
            time.sleep(0.3)
        assert "fees exited" in up.text()
    assert up.interrupt() == 0
    assert "stopped." in up.text()
    assert processes_of(data_dir) == []

    again = Up(data_dir, port).start()  # same data dir: same admin, same data
    banner = again.wait_ready()
    assert "generated password" not in banner
    with sign_in(url, password) as admin:
        r = admin.get("/api/frontdesk/v1/properties", params={"code": "KEEP"})
        assert r.json()["total"] == 1
    assert again.interrupt() == 0
    assert processes_of(data_dir) == []


def test_a_taken_gateway_port_gets_a_clear_message(data_dir: Path, nats_url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        up = Up(data_dir, port, PROPOPS_NATS_URL=nats_url).start()
        assert up.proc is not None
        assert up.proc.wait(60) == 1
    assert f"port {port} is already in use" in up.text()
    assert "PROPOPS_GATEWAY_PORT" in up.text()
    assert processes_of(data_dir) == []


def test_a_crash_looping_service_is_shown_down_the_rest_works_and_sigterm_stops_all(
    data_dir: Path, nats_url: str
) -> None:
    # The front desk's database is in a directory that does not exist yet: it exits at every
    # start until the directory is made.
    later = data_dir.parent / "later"
    port = free_port()
    up = Up(
        data_dir,
        port,
        PROPOPS_NATS_URL=nats_url,
        PROPOPS_NATS_NAMESPACE=f"clidown{port}",
        PROPOPS_ADMIN_PASSWORD="chosen-pass-2",
        PROPOPS_FRONTDESK_DATABASE_URL=f"sqlite+aiosqlite:///{later}/frontdesk.db",
        PROPOPS_RESTART_BACKOFF_MAX_SECONDS="4",
    ).start()
    banner = up.wait_ready(banner="PropOps is up")
    assert "DOWN: frontdesk" in banner
    assert "Sign in: POST /api/auth/token" in banner and "(embedded" not in banner
    url = f"http://127.0.0.1:{port}"
    with sign_in(url, "chosen-pass-2") as admin:

        def restarted_again() -> dict | None:
            health = admin.get("/api/health")
            assert health.status_code == 503, health.text
            said = health.json()["services"]["frontdesk"]
            if said.startswith("down (restarting, attempt ") and int(said.split()[3][:-1]) >= 2:
                return health.json()
            return None

        health = poll(restarted_again, up)
        assert {k: v for k, v in health["services"].items() if k != "frontdesk"} == {
            **{name: "ok" for name in ("security", "engineering", "cleaning", "leasing", "fees")},
            "nats": "ok",
        }
        assert "frontdesk exited (code" in up.text() and "DOWN, restarting (attempt 2" in up.text()
        # everything else serves, and propops up is still running
        assert admin.get("/api/engineering/v1/workorders").status_code == 200
        r = admin.post(
            "/api/users", json={"username": "x1", "password": "x1-password-1", "roles": ["fees"]}
        )
        assert r.status_code == 201, r.text
        assert admin.get("/api/frontdesk/v1/properties").status_code == 502
        assert up.proc is not None and up.proc.poll() is None
        # the cause fixed, the next restart brings it back
        later.mkdir()
        poll(lambda: admin.get("/api/health").status_code == 200, up)
        prop = admin.post("/api/frontdesk/v1/properties", json={"code": "BACK", "name": "Back"})
        assert prop.status_code == 201, prop.text
        poll(lambda: "frontdesk is up again" in up.text(), up)
    # SIGTERM stops everything too
    assert up.proc is not None
    up.proc.send_signal(signal.SIGTERM)
    assert up.proc.wait(60) == 0
    assert processes_of(data_dir) == []


def poll(check: Callable[[], T], up: Up, within: float = 120) -> T:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.3)
    raise AssertionError(f"timed out; propops up said:\n{up.text()}")
