"""The gateway's user events the copy follows."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propops.directory import service
from propops.events.envelope import CloudEvent
from propops.events.payloads import UserChanged
from propops.messaging.subscriptions import On


async def on_user_changed(session: AsyncSession, change: UserChanged, event: CloudEvent) -> None:
    await service.apply_change(session, change)


DIRECTORY_SUBSCRIPTIONS: list[On[Any]] = [On(UserChanged, on_user_changed)]
