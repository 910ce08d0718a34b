"""The gate's check of a pass (security) comes back: released or held, once."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.release_passes import service
from propops.events.envelope import CloudEvent
from propops.events.payloads import ReleasePassChecked
from propops.messaging.subscriptions import On


async def on_checked(session: AsyncSession, check: ReleasePassChecked, event: CloudEvent) -> None:
    await service.apply_check(session, check)


SUBSCRIPTIONS: list[On[Any]] = [On(ReleasePassChecked, on_checked)]
