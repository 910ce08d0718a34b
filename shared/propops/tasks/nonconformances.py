"""Nonconformances (不合格) the front desk finds on inspection rounds, as department tasks.

Every task service has these subscriptions (``task_feature``): a ``raised`` nonconformance whose
``task_department`` is ours becomes a task of kind ``nonconformance`` with the source key
``nonconformance:<id>`` (one task per key however often the event comes); a failed follow-up
check (``verify_failed``) reopens that task if it was completed, due by the event's new
``deadline_at``. The front desk learns of the task's completion from its ``TaskChanged``
(``kind``, ``source_id``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propops.events.envelope import CloudEvent
from propops.events.payloads import NonconformanceChanged
from propops.messaging.subscriptions import On
from propops.tasks.generated import NewTask, create_task, reopen_by_source

KIND = "nonconformance"
INSPECTOR = "frontdesk"


def source_key(nonconformance_id: str) -> str:
    return f"{KIND}:{nonconformance_id}"


def new_task(nc: NonconformanceChanged) -> NewTask:
    return NewTask(
        property_id=nc.property_id,
        kind=KIND,
        title=f"不合格 · Nonconformance {nc.reference or ''}: {nc.text}".replace("  ", " ")[:200],
        description=nc.note,
        location=nc.location,
        priority="high" if nc.severity == "major" else "normal",
        due_at=nc.deadline_at,
        source_id=nc.nonconformance_id,
        source_key=source_key(nc.nonconformance_id),
        actor=nc.actor or INSPECTOR,
    )


def nonconformance_subscriptions(department: str) -> list[On[Any]]:
    """The nonconformance events one department's tasks react to."""

    async def on_raised(
        session: AsyncSession, nc: NonconformanceChanged, event: CloudEvent
    ) -> None:
        if nc.task_department == department:
            await create_task(session, department, new_task(nc))

    async def on_verify_failed(
        session: AsyncSession, nc: NonconformanceChanged, event: CloudEvent
    ) -> None:
        if nc.task_department == department:
            await reopen_by_source(
                session,
                department,
                source_key(nc.nonconformance_id),
                f"follow-up check failed: {nc.note or nc.text}",
                actor=nc.actor or INSPECTOR,
                due_at=nc.deadline_at,  # the new deadline the failed check gave
            )

    return [
        On(NonconformanceChanged, on_raised, verbs=("raised",)),
        On(NonconformanceChanged, on_verify_failed, verbs=("verify_failed",)),
    ]
