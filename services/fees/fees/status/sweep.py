"""The payment-status sweep: a background job of the fees service.

A charge falls overdue with no change at all, only because a day passes. Every
``status_sweep_seconds`` the sweep re-checks the accounts whose review day has come (an indexed
column, so a quiet day costs one small query) and publishes those whose status changed. On
PostgreSQL one replica sweeps at a time (a transaction-level advisory lock); the others skip
that round. Each account is re-read under its row lock and compared with the status last
published, so a change is published once even if sweeps and payments race.
"""

from __future__ import annotations

import asyncio
import zlib
from datetime import date

import structlog
from sqlalchemy import text

from fees.status.service import sweep_statuses
from propops.db import Database
from propops.service import BackgroundJob, ServiceContext

log = structlog.get_logger("fees.status.sweep")

LOCK_KEY = zlib.crc32(b"propops-fees-status-sweep")


class StatusSweep:
    def __init__(self, db: Database, *, namespace: str = "", batch: int = 200) -> None:
        self.db = db
        self.namespace = namespace
        self.batch = batch

    async def sweep_once(self, today: date | None = None) -> int:
        """One full sweep as of ``today`` (UTC; default: the current day). Returns how many
        status changes were published (0 also when another replica holds the sweep)."""
        published = 0
        while True:
            async with self.db.sessions() as session:
                if self.db.dialect == "postgresql":
                    got = await session.scalar(
                        text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": LOCK_KEY}
                    )
                    if not got:
                        return published
                checked, changed = await sweep_statuses(
                    session, namespace=self.namespace, today=today, limit=self.batch
                )
                await session.commit()
            published += changed
            if checked < self.batch:
                return published

    async def run(self, interval: float) -> None:
        """Sweep now and then every ``interval`` seconds, until cancelled."""
        while True:
            try:
                published = await self.sweep_once()
                if published:
                    log.info("payment_status_sweep", published=published)
            except Exception:
                log.exception("payment_status_sweep_failed")
            await asyncio.sleep(interval)


def status_sweep_job(interval: float) -> BackgroundJob:
    """The sweep as a job for ``build_service_app(jobs=...)``."""

    async def job(ctx: ServiceContext) -> None:
        await StatusSweep(ctx.db, namespace=ctx.settings.nats_namespace).run(interval)

    return job
