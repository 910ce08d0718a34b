"""Events the front desk follows for complaints: every department's task events."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.complaints import service
from frontdesk.complaints.from_fees import record_owner_opinion
from frontdesk.settings import FrontdeskSettings
from propops.events.catalog import verb_of
from propops.events.envelope import CloudEvent
from propops.events.payloads import OwnerOpinionRaised, TaskChanged
from propops.messaging.subscriptions import On


def subscriptions(settings: FrontdeskSettings) -> list[On[Any]]:
    async def on_task(session: AsyncSession, task: TaskChanged, event: CloudEvent) -> None:
        if task.complaint_id is None:
            return  # a task that did not come from a complaint
        await service.on_task_event(
            session,
            settings,
            verb=verb_of(event.type),
            complaint_id=task.complaint_id,
            department=task.department,
            task_id=task.task_id,
            task_reference=task.reference,
            actor=task.actor,
            assignee=task.assignee,
            notes=task.notes,
        )

    async def on_opinion(
        session: AsyncSession, opinion: OwnerOpinionRaised, event: CloudEvent
    ) -> None:
        await record_owner_opinion(session, settings, opinion)

    return [On(TaskChanged, on_task), On(OwnerOpinionRaised, on_opinion)]
