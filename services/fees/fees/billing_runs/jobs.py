"""The billing-run worker as a job: picks up runs nobody is moving (the service restarted in the
middle of one, or its worker failed) and runs them to the end, from their cursor."""

from __future__ import annotations

from datetime import timedelta

from fees.billing_runs.service import process, stalled_runs
from propops.context import BackgroundJob, ServiceContext
from propops.db import Database, utcnow
from propops.jobs import every, try_lock


async def resume_stalled(db: Database, *, stall_seconds: float, chunk: int) -> int:
    """Finish every run untouched for ``stall_seconds``; returns how many were resumed."""
    async with db.sessions() as session:
        if not await try_lock(session, "fees-billing-runs"):
            return 0
        stalled = await stalled_runs(session, utcnow() - timedelta(seconds=stall_seconds))
    for run_id in stalled:
        await process(db, run_id, chunk=chunk)
    return len(stalled)


def billing_run_job(interval: float, stall_seconds: float, chunk: int) -> BackgroundJob:
    async def resume(ctx: ServiceContext) -> int:
        return await resume_stalled(ctx.db, stall_seconds=stall_seconds, chunk=chunk)

    return every(interval, "billing-runs", resume)
