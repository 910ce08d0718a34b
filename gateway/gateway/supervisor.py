"""Starting, watching and stopping the processes of one PropOps installation (``propops up``).

Embedded NATS (unless ``PROPOPS_NATS_URL`` names a server), the six services and then the
gateway (given the services' addresses once each is ready) run as separate child processes,
each in its own session so a terminal's Ctrl-C reaches only us: we stop them in order (gateway,
services, NATS) and leave none behind. A child that dies is started again on the same port
(``Watcher``): at once the first time, then after a delay that doubles up to
``PROPOPS_RESTART_BACKOFF_MAX_SECONDS``, for as long as it keeps dying; the others keep running.
The children that are down are written to ``run/supervisor.json`` in the data dir, which the
gateway's ``/api/health`` reads to show them as down.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from propops import natsserver
from propops.settings import DEPARTMENTS

READY_TIMEOUT = 90.0
RESTART_BACKOFF_FIRST = 1.0
RESTART_BACKOFF_MAX = 30.0
STATUS_FILE = "run/supervisor.json"


class StartupError(RuntimeError):
    pass


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def answers_ready(child: Child, timeout: float = 1.0) -> bool:
    """200 from the child's ready URL, answered by the child's own process: ``/readyz`` says
    its ``pid``, so a process of another installation that holds the port (the port was free
    when it was picked, then taken before the child bound it) is not mistaken for the child."""
    if child.ready_url is None or child.proc is None:
        return False
    try:
        with urllib.request.urlopen(child.ready_url, timeout=timeout) as resp:
            if resp.status != 200:
                return False
            body = json.loads(resp.read() or b"{}")
    except Exception:  # noqa: BLE001
        return False
    return isinstance(body, dict) and body.get("pid") == child.proc.pid


def lost_its_port(child: Child) -> bool:
    """The child exited because its port was taken (uvicorn's bind error in its log)."""
    return not child.alive() and "address already in use" in child.tail(5)


@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    ready_url: str | None
    proc: subprocess.Popen[bytes] | None = None
    # restart bookkeeping (Watcher): consecutive failed starts, and when the next one is due
    attempt: int = 0
    next_start: float | None = None
    next_start_wall: float | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            self.argv,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def exit_code(self) -> int | None:
        return self.proc.returncode if self.proc is not None else None

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def terminate(self) -> None:
        if self.alive() and self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)

    def wait_or_kill(self, deadline: float) -> None:
        if self.proc is None:
            return
        try:
            self.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


@dataclass
class Plan:
    data_dir: Path
    gateway_port: int
    nats_url: str | None
    env: dict[str, str]
    children: list[Child] = field(default_factory=list)
    nats: Child | None = None
    # PROPOPS_GATEWAY_PORT=0: any free port, picked here (and picked again if it is taken
    # before the gateway binds it); otherwise the operator's port, never moved
    gateway_port_picked: bool = False

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"


def _ensure_secret(data_dir: Path) -> str:
    path = data_dir / "jwt-secret"
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def start_embedded_nats(
    data_dir: Path, env: dict[str, str], port: int | None = None
) -> tuple[Child, str]:
    ports_dir = data_dir / "run"
    natsserver.clear_ports(ports_dir)
    try:
        argv = natsserver.argv(data_dir / "nats", ports_dir, port, name="propops-embedded")
    except natsserver.NatsServerError as exc:
        raise StartupError(str(exc)) from None
    child = Child("nats", argv, env, data_dir / "logs" / "nats.log", None)
    child.start()
    assert child.proc is not None
    try:
        client_port = natsserver.wait_ready(ports_dir, child.proc.pid, child.alive)
    except natsserver.NatsServerError as exc:
        child.terminate()
        raise StartupError(f"{exc}:\n{child.tail()}") from None
    return child, f"nats://127.0.0.1:{client_port}"


def plan(environ: dict[str, str]) -> Plan:
    data_dir = Path(environ.get("PROPOPS_DATA_DIR", "./var")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    gateway_port = int(environ.get("PROPOPS_GATEWAY_PORT", "8000"))
    picked = gateway_port == 0
    env = dict(environ)
    env["PROPOPS_DATA_DIR"] = str(data_dir)
    env.setdefault("PROPOPS_JWT_SECRET", _ensure_secret(data_dir))
    env["PYTHONUNBUFFERED"] = "1"
    return Plan(
        data_dir,
        free_port() if picked else gateway_port,
        environ.get("PROPOPS_NATS_URL") or None,
        env,
        gateway_port_picked=picked,
    )


def uvicorn_argv(package: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        f"{package}.app:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--timeout-graceful-shutdown",
        "5",
    ]


def _database_url(env: dict[str, str], name: str) -> str | None:
    specific = env.get(f"PROPOPS_{name.upper()}_DATABASE_URL")
    template = env.get("PROPOPS_DATABASE_URL_TEMPLATE")
    if specific:
        return specific
    if template:
        return template.replace("{service}", name)
    return None


def build_children(p: Plan, nats_url: str) -> list[Child]:
    if not port_is_free(p.gateway_port):
        raise StartupError(
            f"port {p.gateway_port} is already in use: stop whatever listens there, "
            f"or set PROPOPS_GATEWAY_PORT to a free port"
        )
    children: list[Child] = []
    urls: dict[str, str] = {}
    for name in DEPARTMENTS:
        wanted = p.env.get(f"PROPOPS_{name.upper()}_PORT")
        if wanted and not port_is_free(int(wanted)):
            raise StartupError(f"port {wanted} (PROPOPS_{name.upper()}_PORT) is already in use")
        port = int(wanted) if wanted else free_port()
        env = {
            **p.env,
            "PROPOPS_SERVICE_NAME": name,
            "PROPOPS_NATS_URL": nats_url,
            "OTEL_SERVICE_NAME": name,
        }
        env.pop("PROPOPS_DATABASE_URL", None)
        if db := _database_url(p.env, name):
            env["PROPOPS_DATABASE_URL"] = db
        urls[name] = f"http://127.0.0.1:{port}"
        children.append(
            Child(
                name,
                uvicorn_argv(name, port),
                env,
                p.data_dir / "logs" / f"{name}.log",
                f"{urls[name]}/readyz",
            )
        )
    genv = {
        **p.env,
        "PROPOPS_SERVICE_NAME": "gateway",
        "PROPOPS_NATS_URL": nats_url,
        "OTEL_SERVICE_NAME": "gateway",
    }
    genv.pop("PROPOPS_DATABASE_URL", None)
    if db := _database_url(p.env, "gateway"):
        genv["PROPOPS_DATABASE_URL"] = db
    genv["PROPOPS_SUPERVISOR_STATUS"] = str(p.data_dir / STATUS_FILE)
    for name, url in urls.items():
        genv[f"PROPOPS_{name.upper()}_URL"] = url
    children.append(
        Child(
            "gateway",
            uvicorn_argv("gateway", p.gateway_port),
            genv,
            p.data_dir / "logs" / "gateway.log",
            f"{p.gateway_url}/readyz",
        )
    )
    return children


def wait_ready(
    children: list[Child],
    timeout: float = READY_TIMEOUT,
    tolerate: frozenset[str] = frozenset(),
    move: Callable[[Child], bool] | None = None,
) -> list[Child]:
    """Wait until every child answers its ready URL itself (``answers_ready``). A child that
    exits because its port was taken meanwhile is given another by ``move`` (which starts it
    again and returns True), if given. A child that exits otherwise is an error, unless its
    name is in ``tolerate``: then it is left to the ``Watcher`` and returned."""
    deadline = time.monotonic() + timeout
    pending = list(children)
    exited: list[Child] = []
    while pending:
        for child in list(pending):
            if not child.alive():
                if move is not None and lost_its_port(child) and move(child):
                    continue
                if child.name in tolerate:
                    pending.remove(child)
                    exited.append(child)
                    continue
                raise StartupError(
                    f"{child.name} exited during start; its log "
                    f"({child.log_path}) ends:\n{child.tail()}"
                )
            if answers_ready(child):
                pending.remove(child)
        if not pending:
            break
        if time.monotonic() > deadline:
            names = ", ".join(c.name for c in pending)
            raise StartupError(
                f"not ready after {timeout:.0f}s: {names} (logs in {pending[0].log_path.parent})"
            )
        time.sleep(0.2)
    return exited


def launch(p: Plan, nats_url: str, tolerate: frozenset[str] = frozenset()) -> list[Child]:
    """Start the six services, wait until each is ready, then the gateway with their final
    addresses (those named in ``tolerate`` may exit instead: they are returned). A service
    whose port was picked free but taken before it bound it (another program, or another
    installation starting at the same moment) is moved to another port, up to 3 times; so is
    the gateway when its port was picked free too (``PROPOPS_GATEWAY_PORT=0``)."""
    clear_status(p)
    p.children = build_children(p, nats_url)
    *services, gateway = p.children
    moves: dict[str, int] = {}

    def move(child: Child) -> bool:
        if p.env.get(f"PROPOPS_{child.name.upper()}_PORT") or moves.get(child.name, 0) >= 3:
            return False  # a port the operator chose is theirs to free
        moves[child.name] = moves.get(child.name, 0) + 1
        url = f"http://127.0.0.1:{free_port()}"
        child.argv = uvicorn_argv(child.name, int(url.rsplit(":", 1)[1]))
        child.ready_url = f"{url}/readyz"
        gateway.env[f"PROPOPS_{child.name.upper()}_URL"] = url
        child.start()
        return True

    for child in services:
        child.start()
    exited = wait_ready(services, tolerate=tolerate, move=move)
    gateway.start()
    return exited + wait_ready(
        [gateway], tolerate=tolerate, move=lambda c: move_gateway(p, c, moves)
    )


def move_gateway(
    p: Plan,
    child: Child,
    moves: dict[str, int],
    argv: Callable[[str, int], list[str]] = uvicorn_argv,
) -> bool:
    """Start the gateway again on another free port, if its port was picked free
    (``PROPOPS_GATEWAY_PORT=0``) and it has not been moved 3 times already."""
    if not p.gateway_port_picked or moves.get("gateway", 0) >= 3:
        return False  # PROPOPS_GATEWAY_PORT is the operator's: theirs to free
    moves["gateway"] = moves.get("gateway", 0) + 1
    p.gateway_port = free_port()
    child.argv = argv("gateway", p.gateway_port)
    child.ready_url = f"{p.gateway_url}/readyz"
    child.start()
    return True


def clear_status(p: Plan) -> None:
    with contextlib.suppress(FileNotFoundError):
        (p.data_dir / STATUS_FILE).unlink()


class Watcher:
    """Starts again every child that dies, with backoff, and keeps the status file true.

    ``step()`` is called in a loop by ``propops up``; ``say`` prints a line for the terminal.
    A child is started again at once after its first exit, then after 1, 2, 4... seconds (up to
    ``backoff_max``) while it keeps exiting; once it answers its ready URL again its count
    starts over. Embedded NATS is started again the same way, on its port.
    """

    def __init__(
        self,
        p: Plan,
        say: Callable[[str], None],
        nats_port: int | None = None,
        backoff_max: float = RESTART_BACKOFF_MAX,
    ) -> None:
        self.p = p
        self.say = say
        self.nats_port = nats_port
        self.backoff_max = backoff_max
        self.status_path = p.data_dir / STATUS_FILE
        self._written: dict[str, dict[str, object]] | None = None

    def delay(self, attempt: int) -> float:
        """Seconds before restart ``attempt`` (1: at once)."""
        if attempt <= 1:
            return 0.0
        return min(RESTART_BACKOFF_FIRST * 2 ** (attempt - 2), self.backoff_max)

    def step(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        if self.p.nats is not None:
            self._watch(self.p.nats, now, self._start_nats)
        for child in self.p.children:
            self._watch(child, now, lambda c: c.start())
        self.write_status()

    def _start_nats(self, child: Child) -> None:
        try:
            self.p.nats, _ = start_embedded_nats(self.p.data_dir, self.p.env, port=self.nats_port)
            self.p.nats.attempt = child.attempt
        except StartupError as exc:
            self.say(f"nats-server did not start: {exc}")
            child.next_start = None  # counted as one more exit at the next step

    def _watch(self, child: Child, now: float, start: Callable[[Child], None]) -> None:
        if child.alive():
            if child.attempt and (child.ready_url is None or answers_ready(child)):
                self.say(f"{child.name} is up again (after {child.attempt} restart(s))")
                child.attempt = 0
            return
        if child.next_start is None:  # it has just exited
            child.attempt += 1
            wait = self.delay(child.attempt)
            child.next_start = now + wait
            child.next_start_wall = time.time() + wait
            self.say(
                f"{child.name} exited (code {child.exit_code()}); DOWN, restarting "
                f"(attempt {child.attempt}, in {wait:.0f} s); log: {child.log_path}"
            )
        if now >= child.next_start:
            child.next_start = None
            child.next_start_wall = None
            start(child)

    def down(self) -> dict[str, dict[str, object]]:
        """The children restarting now, by name (what the status file holds)."""
        children = [*self.p.children, *([self.p.nats] if self.p.nats is not None else [])]
        return {
            c.name: {
                "state": "restarting",
                "attempt": c.attempt,
                "next_start_at": c.next_start_wall,
                "exit_code": c.exit_code(),
            }
            for c in children
            if c.attempt
        }

    def write_status(self) -> None:
        down = self.down()
        if down == self._written:
            return
        self.status_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.status_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(down))
        tmp.replace(self.status_path)
        self._written = down


def read_status(path: Path | None, now: float | None = None) -> dict[str, str]:
    """What the status file says of each child that is down, for people:
    ``{"frontdesk": "down (restarting, attempt 4, next in 8 s)"}``."""
    if path is None:
        return {}
    try:
        down = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    now = time.time() if now is None else now
    said: dict[str, str] = {}
    for name, entry in down.items():
        due = entry.get("next_start_at")
        when = f"next in {max(0, round(due - now))} s" if due else "starting"
        said[name] = f"down (restarting, attempt {entry.get('attempt')}, {when})"
    return said


def stop_all(p: Plan, grace: float = 10.0) -> None:
    ordered = [c for c in p.children if c.name == "gateway"] + [
        c for c in p.children if c.name != "gateway"
    ]
    for child in ordered:
        child.terminate()
    deadline = time.monotonic() + grace
    for child in ordered:
        child.wait_or_kill(deadline)
    if p.nats is not None:
        p.nats.terminate()
        p.nats.wait_or_kill(time.monotonic() + grace)


def first_admin_created(log_path: Path, offset: int) -> bool:
    """Whether the gateway logged (after ``offset``) that it created the first admin (the log
    line names the user, never the password)."""
    try:
        with log_path.open("rb") as f:
            f.seek(offset)
            return any(b"first_admin_created" in line for line in f)
    except OSError:
        return False
