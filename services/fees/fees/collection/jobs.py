"""The promise sweep: a background job of the fees service. A promise to pay is broken only
because its day passes, with no change at all; every ``status_sweep_seconds`` the sweep decides
the pending promises whose day has ended (``fees.collection.promises.sweep_promises``). On
PostgreSQL one replica sweeps at a time (an advisory lock); the others skip that round."""

from __future__ import annotations

from datetime import datetime

from fees.collection.promises import sweep_promises
from propops.context import BackgroundJob, ServiceContext
from propops.db import Database
from propops.jobs import every, try_lock


async def sweep_promises_once(
    db: Database, *, now: datetime | None = None, batch: int = 200
) -> int:
    """Every promise due to be decided as of ``now``; returns how many were broken."""
    broken = 0
    while True:
        async with db.sessions() as session:
            if not await try_lock(session, "fees-promise-sweep"):
                return broken
            decided, newly_broken = await sweep_promises(session, now=now, limit=batch)
            await session.commit()
        broken += newly_broken
        if decided < batch:
            return broken


def promise_sweep_job(interval: float) -> BackgroundJob:
    async def sweep(ctx: ServiceContext) -> int:
        return await sweep_promises_once(ctx.db)

    return every(interval, "promise-sweep", sweep)
