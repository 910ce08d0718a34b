"""The supervisor's restart policy, on real child processes: a process that keeps exiting is
started again after a growing delay and listed as down (attempt, next start) for the health
endpoint; one that stays up is forgotten. A child is ready when it answers itself, and one
whose port was taken before it bound it is moved to another."""

from __future__ import annotations

import http.server
import json
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

from gateway import supervisor as sv


def plan_with(tmp_path: Path, *children: sv.Child) -> sv.Plan:
    p = sv.Plan(tmp_path, 0, None, {})
    p.children = list(children)
    return p


def child(tmp_path: Path, name: str, code: str) -> sv.Child:
    return sv.Child(name, [sys.executable, "-c", code], {}, tmp_path / f"{name}.log", None)


def wait_exit(c: sv.Child) -> None:
    assert c.proc is not None
    c.proc.wait(30)


def test_a_child_that_keeps_exiting_is_restarted_with_growing_delays(tmp_path: Path) -> None:
    crashing = child(tmp_path, "frontdesk", "raise SystemExit(3)")
    steady = child(tmp_path, "fees", "import time; time.sleep(600)")
    said: list[str] = []
    p = plan_with(tmp_path, crashing, steady)
    watcher = sv.Watcher(p, said.append, backoff_max=8)
    crashing.start()
    steady.start()
    try:
        now = 1000.0
        delays = []
        for _ in range(6):
            wait_exit(crashing)
            watcher.step(now)  # notices the exit: starts it again at once, or schedules it
            if crashing.next_start is None:
                delays.append(0.0)
                continue
            delays.append(crashing.next_start - now)
            now = crashing.next_start
            watcher.step(now)  # due: started again
            assert crashing.next_start is None
        assert delays == [0, 1, 2, 4, 8, 8]
        assert steady.alive() and steady.attempt == 0
        assert "frontdesk exited (code 3); DOWN, restarting (attempt 6, in 8 s)" in said[-1]

        wait_exit(crashing)
        watcher.step(now)
        status = json.loads((tmp_path / sv.STATUS_FILE).read_text())
        assert list(status) == ["frontdesk"]
        assert status["frontdesk"]["attempt"] == 7 and status["frontdesk"]["exit_code"] == 3
        shown = sv.read_status(tmp_path / sv.STATUS_FILE, now=time.time())
        assert shown["frontdesk"].startswith("down (restarting, attempt 7, next in ")

        # the cause fixed: once it stays up it is forgotten
        crashing.argv = [sys.executable, "-c", "import time; time.sleep(600)"]
        watcher.step(now + 60)
        assert crashing.alive()
        watcher.step(now + 61)
        assert crashing.attempt == 0 and said[-1] == "frontdesk is up again (after 7 restart(s))"
        assert json.loads((tmp_path / sv.STATUS_FILE).read_text()) == {}
    finally:
        for c in (crashing, steady):
            c.terminate()
            c.wait_or_kill(time.monotonic() + 10)


# A child that serves ``/readyz`` as a service does (its pid in the answer) on the port in its
# argv; if the port is taken it says so as uvicorn does and exits.
READYZ_SERVER = """
import http.server, json, os, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"status": "ok", "pid": os.getpid()}).encode()
        self.send_response(200); self.end_headers(); self.wfile.write(body)
    def log_message(self, *args): pass
try:
    server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H)
except OSError as exc:
    print(f"[Errno {exc.errno}] error while attempting to bind: address already in use")
    raise SystemExit(1)
server.serve_forever()
"""


def test_a_port_taken_before_the_child_binds_it_is_not_mistaken_for_it_and_is_moved(
    tmp_path: Path,
) -> None:
    """Another program holds the port picked for a service and answers its ``/readyz`` with
    200 (another installation starting at the same moment): that is not the child being
    ready; the child, which cannot bind the port, is moved to another and is ready there."""

    class Impostor(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(json.dumps({"status": "ok", "pid": 1}).encode())

        def log_message(self, *args: object) -> None:
            pass

    impostor = http.server.HTTPServer(("127.0.0.1", 0), Impostor)
    taken = impostor.server_address[1]
    threading.Thread(target=impostor.serve_forever, daemon=True).start()

    def on(port: int) -> tuple[list[str], str]:
        argv = [sys.executable, "-c", READYZ_SERVER, str(port)]
        return argv, f"http://127.0.0.1:{port}/readyz"

    argv, url = on(taken)
    service = sv.Child("fees", argv, {}, tmp_path / "fees.log", url)
    moved: list[int] = []

    def move(c: sv.Child) -> bool:
        port = sv.free_port()
        moved.append(port)
        c.argv, c.ready_url = on(port)
        c.start()
        return True

    try:
        service.start()
        assert not sv.answers_ready(service)  # 200 from the port, but not from the child
        assert sv.wait_ready([service], timeout=30, move=move) == []
        assert len(moved) == 1 and moved[0] != taken
        assert sv.answers_ready(service)
        assert "address already in use" in (tmp_path / "fees.log").read_text()
    finally:
        service.terminate()
        service.wait_or_kill(time.monotonic() + 10)
        impostor.shutdown()


def test_a_gateway_on_a_port_picked_free_is_moved_when_it_is_taken(tmp_path: Path) -> None:
    """``PROPOPS_GATEWAY_PORT=0`` (the system tests): the supervisor picks the gateway's port;
    if another program takes it before the gateway binds it, the gateway is started on
    another (an operator's port is never moved: the start fails, saying so)."""
    p = sv.plan({"PROPOPS_GATEWAY_PORT": "0", "PROPOPS_DATA_DIR": str(tmp_path / "a")})
    assert p.gateway_port_picked and p.gateway_port > 0
    fixed = sv.plan({"PROPOPS_GATEWAY_PORT": "8123", "PROPOPS_DATA_DIR": str(tmp_path / "b")})
    assert not fixed.gateway_port_picked and fixed.gateway_port == 8123

    holder = socket.socket()
    holder.bind(("127.0.0.1", p.gateway_port))  # taken between the pick and the bind
    holder.listen()
    taken = p.gateway_port

    def on(name: str, port: int) -> list[str]:
        return [sys.executable, "-c", READYZ_SERVER, str(port)]

    gateway = sv.Child("gateway", on("gateway", taken), {}, tmp_path / "gateway.log", None)
    gateway.ready_url = f"{p.gateway_url}/readyz"
    moves: dict[str, int] = {}
    try:
        gateway.start()
        moved = sv.wait_ready(
            [gateway], timeout=30, move=lambda c: sv.move_gateway(p, c, moves, on)
        )
        assert moved == [] and moves == {"gateway": 1}
        assert p.gateway_port != taken and sv.answers_ready(gateway)
        assert gateway.ready_url == f"http://127.0.0.1:{p.gateway_port}/readyz"
        assert not sv.move_gateway(fixed, gateway, {}, on)  # the operator's port stays
    finally:
        gateway.terminate()
        gateway.wait_or_kill(time.monotonic() + 10)
        holder.close()


def test_ctrl_c_during_a_health_probe_is_not_swallowed(tmp_path: Path, monkeypatch) -> None:
    """``propops up`` turns Ctrl-C into ``_Stop`` wherever the main thread is; arriving while
    the watcher probes a restarted child's ``/readyz`` it must still stop everything (as an
    ``Exception`` the probe's ``except Exception`` swallowed it, and ``up`` kept running)."""
    from gateway import cli

    def interrupted(*args: object, **kwargs: object) -> object:
        raise cli._Stop(2)

    monkeypatch.setattr(sv.urllib.request, "urlopen", interrupted)
    probed = child(tmp_path, "fees", "pass")
    probed.ready_url = "http://127.0.0.1:9/readyz"
    probed.start()
    try:
        with pytest.raises(cli._Stop):
            sv.answers_ready(probed)
    finally:
        wait_exit(probed)
