"""The supervisor's restart policy, on real child processes: a process that keeps exiting is
started again after a growing delay and listed as down (attempt, next start) for the health
endpoint; one that stays up is forgotten."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

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
