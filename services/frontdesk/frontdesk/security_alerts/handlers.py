"""Security's events the front desk follows for its security alerts (idempotent: one alert
per post check, patrol occurrence or incident)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.security_alerts import service
from propops.events.envelope import CloudEvent
from propops.events.payloads import IncidentReported, PatrolMissed, PostCheckFailed
from propops.messaging.subscriptions import On


async def on_post_check_failed(
    session: AsyncSession, check: PostCheckFailed, event: CloudEvent
) -> None:
    await service.post_check_failed(session, check)


async def on_patrol_missed(session: AsyncSession, missed: PatrolMissed, event: CloudEvent) -> None:
    await service.patrol_missed(session, missed)


async def on_incident_reported(
    session: AsyncSession, incident: IncidentReported, event: CloudEvent
) -> None:
    await service.incident_reported(session, incident)


SUBSCRIPTIONS: list[On[Any]] = [
    On(PostCheckFailed, on_post_check_failed),
    On(PatrolMissed, on_patrol_missed),
    On(IncidentReported, on_incident_reported),
]
