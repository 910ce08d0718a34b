"""Events leasing reacts to, for its copy of the properties."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from leasing.properties import service
from propops.events.envelope import CloudEvent
from propops.events.payloads import UnitRegistered
from propops.messaging.subscriptions import On


async def on_unit_registered(
    session: AsyncSession, unit: UnitRegistered, event: CloudEvent
) -> None:
    await service.learn(session, unit)


SUBSCRIPTIONS: list[On[Any]] = [On(UnitRegistered, on_unit_registered)]
