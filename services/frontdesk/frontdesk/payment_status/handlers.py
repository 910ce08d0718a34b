"""Events the front desk follows for its copy of the units' payment status."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.payment_status import service
from propops.events.envelope import CloudEvent
from propops.events.payloads import AccountStatusChanged
from propops.messaging.subscriptions import On


async def on_status_changed(
    session: AsyncSession, status: AccountStatusChanged, event: CloudEvent
) -> None:
    await service.apply(session, status)


SUBSCRIPTIONS: list[On[Any]] = [On(AccountStatusChanged, on_status_changed)]
