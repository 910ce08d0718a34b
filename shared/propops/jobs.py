"""Periodic background jobs of a service (sweeps), safe with several replicas."""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

log = structlog.get_logger("propops.jobs")


async def try_lock(session: AsyncSession, name: str) -> bool:
    """On PostgreSQL, a transaction-scoped advisory lock so one replica runs a sweep at a time;
    always true on SQLite (one process per database)."""
    if session.bind is None or session.bind.dialect.name != "postgresql":
        return True
    return bool(
        await session.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": lock_key(name)})
    )


def lock_key(name: str) -> int:
    """The advisory lock key of a named job (tests hold it to play another replica)."""
    return zlib.crc32(f"propops-job-{name}".encode())


def every(
    seconds: float, name: str, work: Callable[[Any], Awaitable[object]]
) -> Callable[[Any], Awaitable[None]]:
    """A job for ``build_service_app(jobs=...)`` running ``work(ctx)`` every ``seconds``."""

    async def job(ctx: Any) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await work(ctx)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("job_failed", job=name)

    return job
