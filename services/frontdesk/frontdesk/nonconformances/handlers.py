"""The department's task of a nonconformance was completed (it is rectified) or cancelled
(it stays open, marked for the supervisor)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.nonconformances import service
from propops.events.envelope import CloudEvent
from propops.events.payloads import TaskChanged
from propops.messaging.subscriptions import On


async def on_task_completed(session: AsyncSession, task: TaskChanged, event: CloudEvent) -> None:
    await service.on_task_completed(session, task)


async def on_task_cancelled(session: AsyncSession, task: TaskChanged, event: CloudEvent) -> None:
    await service.on_task_cancelled(session, task)


SUBSCRIPTIONS: list[On[Any]] = [
    On(TaskChanged, on_task_completed, verbs=("completed",)),
    On(TaskChanged, on_task_cancelled, verbs=("cancelled",)),
]
