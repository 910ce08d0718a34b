"""Process tuning for latency: the garbage collector.

A service's heap after start is large (FastAPI, SQLAlchemy, pydantic, OpenTelemetry) and lives
as long as the process; scanning it in every full collection shows up as tail latency (measured
by ``bench/dispatch_latency.py``: p99 of dispatch-to-task at 20/s went from ~70 ms to ~45 ms).
So, once started, freeze what exists (``gc.freeze``: never scanned again) and collect the young
generation less often.
"""

from __future__ import annotations

import gc


def tune_gc(gen0_threshold: int) -> None:
    if gen0_threshold <= 0:
        return  # keep the interpreter's defaults
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(gen0_threshold, max(gen1, 20), max(gen2, 20))
