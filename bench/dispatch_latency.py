"""Dispatch-to-task latency through the gateway, beside raw JetStream publish-to-consume.

Starts the whole system the way ``propops up`` does (separate processes: embedded NATS, the six
services, the gateway; SQLite by default), prepares classified complaints, then sends
``POST /api/frontdesk/v1/complaints/{id}/dispatch`` at a steady rate (open loop: requests leave on
schedule whether or not earlier ones have answered) and measures, for each, the time from just
before the POST to the engineering work order's ``created_at`` (same machine, same clock). In the
same run it measures raw JetStream publish -> pull fetch on a scratch stream at the same rate.

    .venv/bin/python bench/dispatch_latency.py                 # 20/s, then stepping up the rate
    .venv/bin/python bench/dispatch_latency.py --rates 20 --seconds 30

Prints p50/p95/p99 per rate and the ratio to raw JetStream. A rate "holds" when every work order
exists within 5 s of the last dispatch and the achieved send rate is within 5 % of the target.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import nats

from gateway import supervisor as sv
from propops.testing.servers import EmbeddedNats

PASSWORD = "bench-admin-pass"


@dataclass
class Result:
    rate: float
    sent: int
    achieved_rate: float
    latencies_ms: list[float]
    missing: int
    raw_ms: list[float]
    stages_ms: dict[str, list[float]]

    @property
    def holds(self) -> bool:
        return self.missing == 0 and self.achieved_rate >= 0.95 * self.rate


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def start_system(data_dir: Path, nats_url: str) -> sv.Plan:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROPOPS_")}
    env.update(
        {
            "PROPOPS_DATA_DIR": str(data_dir),
            "PROPOPS_GATEWAY_PORT": str(sv.free_port()),
            "PROPOPS_ADMIN_PASSWORD": PASSWORD,
            "PROPOPS_LOG_LEVEL": "WARNING",
        }
    )
    plan = sv.plan(env)
    sv.launch(plan, nats_url)
    return plan


async def sign_in(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/auth/token", data={"username": "admin", "password": PASSWORD})
    r.raise_for_status()
    client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"


async def prepare(client: httpx.AsyncClient, count: int, tag: str) -> list[str]:
    prop = await client.post("/api/frontdesk/v1/properties", json={"code": tag, "name": tag})
    prop.raise_for_status()
    property_id = prop.json()["id"]
    ids: list[str] = []
    sem = asyncio.Semaphore(8)

    async def one(n: int) -> None:
        async with sem:
            r = await client.post(
                "/api/frontdesk/v1/complaints",
                json={
                    "property_id": property_id,
                    "channel": "walk_in",
                    "description": f"bench complaint {n}",
                },
            )
            r.raise_for_status()
            cid = r.json()["id"]
            r = await client.post(
                f"/api/frontdesk/v1/complaints/{cid}/classify",
                json={"nature": "valid", "department": "engineering", "priority": "normal"},
            )
            r.raise_for_status()
            ids.append(cid)

    await asyncio.gather(*(one(n) for n in range(count)))
    return ids


async def dispatch_at_rate(
    client: httpx.AsyncClient, ids: list[str], rate: float
) -> tuple[dict[str, float], float]:
    sent: dict[str, float] = {}
    interval = 1.0 / rate
    start = time.perf_counter()

    async def one(cid: str) -> None:
        sent[cid] = time.time()
        r = await client.post(f"/api/frontdesk/v1/complaints/{cid}/dispatch")
        r.raise_for_status()

    tasks = []
    for n, cid in enumerate(ids):
        delay = start + n * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(cid)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    return sent, len(ids) / elapsed if elapsed > 0 else float("inf")


async def task_times(
    client: httpx.AsyncClient, ids: set[str], wait: float = 5.0
) -> dict[str, float]:
    deadline = time.monotonic() + wait
    found: dict[str, float] = {}
    while True:
        offset = 0
        while True:
            r = await client.get(
                "/api/engineering/v1/workorders", params={"limit": 500, "offset": offset}
            )
            r.raise_for_status()
            page = r.json()
            for wo in page["items"]:
                if wo["complaint_id"] in ids:
                    found[wo["complaint_id"]] = datetime.fromisoformat(wo["created_at"]).timestamp()
            offset += len(page["items"])
            if offset >= page["total"] or not page["items"]:
                break
        if len(found) >= len(ids) or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.2)


async def raw_jetstream(nats_url: str, rate: float, count: int) -> list[float]:
    """Publish (awaiting the ack) -> pull fetch -> ack, at the same rate, on a scratch stream."""
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    stream = f"BENCH_{os.getpid()}_{int(rate)}"
    await js.add_stream(name=stream, subjects=[f"bench.{stream}"])
    sub = await js.pull_subscribe(f"bench.{stream}", durable="bench", stream=stream)
    latencies: list[float] = []

    async def consume() -> None:
        while len(latencies) < count:
            try:
                msgs = await sub.fetch(64, timeout=1)
            except nats.errors.TimeoutError:
                continue
            now = time.perf_counter()
            for m in msgs:
                latencies.append((now - float(m.data)) * 1000)
                await m.ack()

    consumer = asyncio.create_task(consume())
    start = time.perf_counter()
    for n in range(count):
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await js.publish(f"bench.{stream}", str(time.perf_counter()).encode())
    await asyncio.wait_for(consumer, 30)
    await js.delete_stream(stream)
    await nc.close()
    return latencies


def breakdown(
    data_dir: Path, sent: dict[str, float], created: dict[str, float]
) -> dict[str, list[float]]:
    """Where the time goes, from the front desk's own records (SQLite, same clock):
    request -> the dispatch rule ran; -> the relay published the event; -> the task existed."""
    import sqlite3

    db = sqlite3.connect(data_dir / "frontdesk.db")
    try:
        ruled = dict(
            db.execute("SELECT complaint_id, at FROM complaint_steps WHERE action = 'dispatched'")
        )
        published = dict(
            db.execute(
                "SELECT aggregate_id, published_at FROM outbox "
                "WHERE type = 'propops.frontdesk.complaint.dispatched.v1'"
            )
        )
    finally:
        db.close()

    def ts(value: str) -> float:
        return datetime.fromisoformat(value).replace(tzinfo=UTC).timestamp()

    stages: dict[str, list[float]] = {
        "request->rule": [],
        "rule->published": [],
        "published->task": [],
    }
    for cid, t0 in sent.items():
        if cid in ruled and published.get(cid) and cid in created:
            rule_t, pub_t = ts(ruled[cid]), ts(published[cid])
            stages["request->rule"].append((rule_t - t0) * 1000)
            stages["rule->published"].append((pub_t - rule_t) * 1000)
            stages["published->task"].append((created[cid] - pub_t) * 1000)
    return stages


async def run(
    rates: list[float], seconds: float, nats_url: str, gateway_url: str, data_dir: Path
) -> list[Result]:
    results: list[Result] = []
    limits = httpx.Limits(max_connections=400, max_keepalive_connections=400)
    async with httpx.AsyncClient(base_url=gateway_url, timeout=60, limits=limits) as client:
        await sign_in(client)
        for i, rate in enumerate(rates):
            count = max(20, int(rate * seconds))
            ids = await prepare(client, count, f"B{i}R{int(rate)}")
            sent, achieved = await dispatch_at_rate(client, ids, rate)
            created = await task_times(client, set(ids))
            latencies = [(created[c] - sent[c]) * 1000 for c in ids if c in created]
            raw = await raw_jetstream(nats_url, rate, count)
            stages = breakdown(data_dir, sent, created)
            result = Result(rate, count, achieved, latencies, count - len(created), raw, stages)
            results.append(result)
            report(result)
            if not result.holds:
                break
    return results


def report(r: Result) -> None:
    p50, p95, p99 = (pct(r.latencies_ms, p) for p in (50, 95, 99))
    r50, r95, r99 = (pct(r.raw_ms, p) for p in (50, 95, 99))
    print(
        f"rate {r.rate:>6.0f}/s  sent {r.sent:>5}  achieved {r.achieved_rate:7.1f}/s  "
        f"missing {r.missing:>3}  {'holds' if r.holds else 'DOES NOT HOLD'}"
    )
    print(
        f"   dispatch->task  p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  p99 {p99:7.2f} ms  "
        f"mean {statistics.fmean(r.latencies_ms) if r.latencies_ms else float('nan'):7.2f} ms"
    )
    print(f"   raw JetStream   p50 {r50:7.2f} ms  p95 {r95:7.2f} ms  p99 {r99:7.2f} ms")
    print(f"   ratio (dispatch/raw)  p50 {p50 / r50:6.1f}x  p99 {p99 / r99:6.1f}x")
    for stage, values in r.stages_ms.items():
        print(f"   stage {stage:<17} p50 {pct(values, 50):7.2f} ms  p99 {pct(values, 99):7.2f} ms")
    print(flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", type=float, nargs="+", default=[20, 50, 100, 150, 200, 300])
    parser.add_argument("--seconds", type=float, default=15.0, help="per rate")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="propops-bench-") as tmp:
        nats_server = EmbeddedNats(store=Path(tmp) / "nats").start()
        plan = None
        try:
            started = time.perf_counter()
            plan = start_system(Path(tmp) / "var", nats_server.url)
            print(
                f"system ready in {time.perf_counter() - started:.1f} s "
                f"({os.cpu_count()} cores); SQLite, embedded NATS"
            )
            results = asyncio.run(
                run(args.rates, args.seconds, nats_server.url, plan.gateway_url, plan.data_dir)
            )
            held = [r.rate for r in results if r.holds]
            print(f"highest rate held: {max(held) if held else 'none'}/s")
        finally:
            if plan is not None:
                sv.stop_all(plan)
            nats_server.stop()


if __name__ == "__main__":
    main()
