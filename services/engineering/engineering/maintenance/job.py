"""The maintenance plans' generator as a job: one replica at a time on PostgreSQL."""

from __future__ import annotations

from engineering.maintenance.service import generate_due_work
from propops.context import BackgroundJob, ServiceContext
from propops.jobs import every, try_lock

JOB = "engineering-maintenance-plans"


async def generate(ctx: ServiceContext) -> int:
    async with ctx.db.sessions() as session:
        if not await try_lock(session, JOB):
            return 0
        seen = await generate_due_work(session)
        await session.commit()
        return seen


def generator_job(interval: float) -> BackgroundJob:
    return every(interval, JOB, generate)
