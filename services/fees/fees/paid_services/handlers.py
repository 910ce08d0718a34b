"""Events fees reacts to for paid services: the front desk's sign-off raises the charge."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fees.paid_services.service import charge_paid_service
from fees.settings import FeesSettings
from propops.events.envelope import CloudEvent
from propops.events.payloads import PaidServiceChanged
from propops.messaging.subscriptions import On


def subscriptions(settings: FeesSettings) -> list[On[Any]]:
    async def on_signed_off(
        session: AsyncSession, paid: PaidServiceChanged, event: CloudEvent
    ) -> None:
        await charge_paid_service(session, paid, settings.paid_service_due_days)

    return [On(PaidServiceChanged, on_signed_off, verbs=("signed_off",))]
