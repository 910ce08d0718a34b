"""The payment-status sweep: a background job of the fees service.

A charge falls overdue with no change at all, only because a day passes. Every
``status_sweep_seconds`` the sweep re-checks the accounts whose review day has come (an indexed
column, so a quiet day costs one small query) and publishes those whose status changed. On
PostgreSQL one replica sweeps at a time (a transaction-level advisory lock); the others skip
that round. Each account is re-read under its row lock and compared with the status last
published, so a change is published once even if sweeps and payments race.
"""

from __future__ import annotations

from datetime import date

from fees.status.service import sweep_statuses
from propops.context import BackgroundJob, ServiceContext
from propops.db import Database
from propops.jobs import every, try_lock


class StatusSweep:
    def __init__(self, db: Database, *, batch: int = 200) -> None:
        self.db = db
        self.batch = batch

    async def sweep_once(self, today: date | None = None) -> int:
        """One full sweep as of ``today`` (UTC; default: the current day). Returns how many
        status changes were published (0 also when another replica holds the sweep)."""
        published = 0
        while True:
            async with self.db.sessions() as session:
                if not await try_lock(session, "fees-status-sweep"):
                    return published
                checked, changed = await sweep_statuses(session, today=today, limit=self.batch)
                await session.commit()
            published += changed
            if checked < self.batch:
                return published


def status_sweep_job(interval: float) -> BackgroundJob:
    """The sweep as a job for ``build_service_app(jobs=...)``."""

    async def sweep(ctx: ServiceContext) -> int:
        return await StatusSweep(ctx.db).sweep_once()

    return every(interval, "payment-status-sweep", sweep)
