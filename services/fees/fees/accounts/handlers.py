"""Events fees reacts to, for accounts."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fees.accounts import service
from propops.events.envelope import CloudEvent
from propops.events.payloads import UnitRegistered
from propops.messaging.consumer import Handler
from propops.settings import ServiceSettings


def handlers(settings: ServiceSettings) -> dict[str, Handler]:
    async def on_unit_registered(session: AsyncSession, event: CloudEvent) -> None:
        unit = UnitRegistered.model_validate(event.data)
        await service.open_account_for_unit(session, unit, settings.nats_namespace)

    return {"propops.frontdesk.unit.registered.v1": on_unit_registered}
