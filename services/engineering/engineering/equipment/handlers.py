"""Engineering's own work orders coming back: a completed preventive one is a service done."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from engineering.equipment import service
from propops.events.catalog import task_event_type
from propops.events.envelope import CloudEvent
from propops.events.payloads import TaskChanged
from propops.messaging.subscriptions import On


async def on_task_completed(session: AsyncSession, change: TaskChanged, event: CloudEvent) -> None:
    await service.record_service(session, change)  # ignores kinds other than preventive


SUBSCRIPTIONS: list[On[Any]] = [
    On(TaskChanged, on_task_completed, types=(task_event_type(service.DEPARTMENT, "completed"),))
]
