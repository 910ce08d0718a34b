"""The missed-patrol sweep: a background job of the security service."""

from __future__ import annotations

from propops.context import BackgroundJob, ServiceContext
from propops.jobs import every
from security.patrols.service import sweep_missed


async def sweep_once(ctx: ServiceContext) -> int:
    async with ctx.db.sessions() as session:
        published = await sweep_missed(session)
        await session.commit()
        return published


def missed_patrol_job(interval: float) -> BackgroundJob:
    return every(interval, "missed-patrols", sweep_once)
