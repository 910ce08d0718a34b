"""Events the front desk follows for complaints: every department's task events."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.complaints import service
from frontdesk.settings import FrontdeskSettings
from propops.events.catalog import TASK_DEPARTMENTS, TASK_VERBS, task_event_type
from propops.events.envelope import CloudEvent
from propops.events.payloads import TaskChanged
from propops.messaging.consumer import Handler


def handlers(settings: FrontdeskSettings) -> dict[str, Handler]:
    def on_task(verb: str) -> Handler:
        async def handle(session: AsyncSession, event: CloudEvent) -> None:
            task = TaskChanged.model_validate(event.data)
            if task.complaint_id is None:
                return  # a task that did not come from a complaint
            await service.on_task_event(
                session,
                settings,
                verb=verb,
                complaint_id=task.complaint_id,
                department=task.department,
                task_id=task.task_id,
                actor=task.actor,
                assignee=task.assignee,
                notes=task.notes,
            )

        return handle

    return {
        task_event_type(dept, verb): on_task(verb)
        for dept in TASK_DEPARTMENTS
        for verb in TASK_VERBS
    }
