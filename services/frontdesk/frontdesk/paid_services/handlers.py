"""Events the front desk follows for paid services: engineering's work order of kind
``paid_service`` (its ``source_id`` is the paid service): made, then completed."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.paid_services import service
from propops.events.envelope import CloudEvent
from propops.events.payloads import TaskChanged
from propops.messaging.subscriptions import On


def _ours(task: TaskChanged) -> bool:
    return task.kind == "paid_service" and task.source_id is not None


async def on_created(session: AsyncSession, task: TaskChanged, event: CloudEvent) -> None:
    if _ours(task):
        assert task.source_id is not None
        await service.work_order_created(
            session, task.source_id, task.task_id, task.reference, task.at
        )


async def on_completed(session: AsyncSession, task: TaskChanged, event: CloudEvent) -> None:
    if _ours(task):
        assert task.source_id is not None
        await service.work_order_completed(
            session, task.source_id, task.task_id, task.reference, task.notes, task.at
        )


SUBSCRIPTIONS: list[On[Any]] = [
    On(TaskChanged, on_created, verbs=("created",)),
    On(TaskChanged, on_completed, verbs=("completed",)),
]
