from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.payment_status import service
from propops.events.envelope import CloudEvent
from propops.events.payloads import AccountStatusChanged
from propops.messaging.consumer import Handler


async def on_status_changed(session: AsyncSession, event: CloudEvent) -> None:
    await service.apply(session, AccountStatusChanged.model_validate(event.data))


HANDLERS: dict[str, Handler] = {"propops.fees.account.status_changed.v1": on_status_changed}
