"""Two replicas of engineering on one PostgreSQL database, both consuming the front desk's
dispatches and both writing work orders: exactly one work order per dispatch, and every
work order's events published once each, in the order they happened."""

from __future__ import annotations

import asyncio
from collections import defaultdict

import asyncpg
import httpx
import nats
import pytest
from test_complaint_flow import act, complaint, setup_place

from propops.events.catalog import stream_for, task_event_type
from propops.events.envelope import CloudEvent
from propops.testing.fixtures import eventually

from system_harness import System, signed_in

pytestmark = [pytest.mark.system, pytest.mark.also_on_postgres]

COMPLAINTS = 16
VERBS = ("created", "assigned", "started", "completed")


@pytest.fixture
def on_postgres(pg_server_url: str | None) -> None:
    if pg_server_url is None:
        pytest.skip("replicas share a database on PostgreSQL only (SQLite: one process per file)")


async def test_two_engineering_replicas_on_one_database(on_postgres, make_system) -> None:
    system = make_system()
    await asyncio.to_thread(system.start)
    second = await asyncio.to_thread(system.add_replica, "engineering")
    assert (
        second.env["PROPOPS_DATABASE_URL"]
        == system.child("engineering").env["PROPOPS_DATABASE_URL"]
    )
    replica_url = second.ready_url.removesuffix("/readyz")  # type: ignore[union-attr]
    async with signed_in(system.gateway_url) as admin:
        r = await admin.post(
            "/api/users",
            json={"username": "tech", "password": "tech-password", "roles": ["engineering"]},
        )
        assert r.status_code == 201, r.text  # the assignee must be an engineer
        place = await setup_place(admin)
        ids = []
        for n in range(COMPLAINTS):
            cid = await complaint(admin, place, f"Water leak {n}")
            await act(
                admin,
                f"/api/frontdesk/v1/complaints/{cid}/classify",
                {"nature": "valid", "department": "engineering"},
            )
            ids.append(cid)
        # dispatched all at once: both replicas pull from the one durable consumer
        await asyncio.gather(
            *(act(admin, f"/api/frontdesk/v1/complaints/{cid}/dispatch") for cid in ids)
        )

        async def one_each() -> list[dict]:
            r = await admin.get("/api/engineering/v1/workorders", params={"limit": 500})
            orders = r.json()["items"]
            assert sorted(o["complaint_id"] for o in orders) == sorted(ids), "not yet"
            return orders

        orders = await eventually(one_each, within=60, what="one work order per dispatch")
        # each work order is worked through both replicas (the gateway's and the second one),
        # all of them at once, so both outbox relays have events to publish
        async with httpx.AsyncClient(
            base_url=f"{replica_url}/v1", headers=admin.headers, timeout=30
        ) as direct:
            via_gateway = ("/api/engineering/v1", admin)
            via_replica = ("", direct)

            async def work(n: int, order: dict) -> None:
                first, other = (via_gateway, via_replica) if n % 2 else (via_replica, via_gateway)
                base = f"workorders/{order['id']}"
                await act(first[1], f"{first[0]}/{base}/assign", {"assignee": "tech"})
                await act(other[1], f"{other[0]}/{base}/start")
                await act(first[1], f"{first[0]}/{base}/complete", {"resolution_notes": "ok"})

            await asyncio.gather(*(work(n, order) for n, order in enumerate(orders)))

        orders = (await admin.get("/api/engineering/v1/workorders", params={"limit": 500})).json()
        assert [o["status"] for o in orders["items"]] == ["completed"] * COMPLAINTS
        assert orders["total"] == COMPLAINTS

    db_url = second.env["PROPOPS_DATABASE_URL"].replace("postgresql+asyncpg", "postgresql")
    stream = stream_for("engineering", system.namespace)

    async def all_published() -> list[CloudEvent]:
        events = await stream_events(system, stream)
        stored = await outbox_event_ids(db_url)
        assert sorted(e.id for e in events) == sorted(stored), "not all published yet"
        return events

    events = await eventually(all_published, within=60, what="every outbox event published")
    # once each, and per work order in the order they happened
    assert len({e.id for e in events}) == len(events) == COMPLAINTS * len(VERBS)
    per_order: dict[str, list[str]] = defaultdict(list)
    for event in events:
        per_order[str(event.subject)].append(event.type)
    expected = [task_event_type("engineering", verb) for verb in VERBS]
    assert {order: types for order, types in per_order.items() if types != expected} == {}
    assert len(per_order) == COMPLAINTS


async def stream_events(system: System, stream: str) -> list[CloudEvent]:
    """Every message of ``stream``, in stream order."""
    nc = await nats.connect(servers=system.nats_url.split(","), connect_timeout=5)
    try:
        js = nc.jetstream()
        info = await js.stream_info(stream)
        first, last = info.state.first_seq, info.state.last_seq
        return [
            CloudEvent.from_json((await js.get_msg(stream, seq)).data or b"")
            for seq in range(first, last + 1)
        ]
    finally:
        await nc.close()


async def outbox_event_ids(db_url: str) -> list[str]:
    conn = await asyncpg.connect(db_url)
    try:
        return [r["event_id"] for r in await conn.fetch("SELECT event_id FROM outbox")]
    finally:
        await conn.close()
