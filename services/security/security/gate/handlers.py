"""The front desk's visit and release-pass events keep the gate's view."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propops.events.envelope import CloudEvent
from propops.events.payloads import ReleasePassChanged, VisitChanged
from propops.messaging.subscriptions import On
from security.gate import service


async def on_visit(session: AsyncSession, visit: VisitChanged, event: CloudEvent) -> None:
    await service.follow_visit(session, visit)


async def on_pass(session: AsyncSession, change: ReleasePassChanged, event: CloudEvent) -> None:
    await service.follow_pass(session, change)


SUBSCRIPTIONS: list[On[Any]] = [On(VisitChanged, on_visit), On(ReleasePassChanged, on_pass)]
