"""Events fees reacts to, for accounts."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fees.accounts import service
from fees.billing_runs.service import charge_new_unit
from fees.status.service import refresh_status
from propops.events.envelope import CloudEvent
from propops.events.payloads import UnitRegistered
from propops.messaging.subscriptions import On


async def on_unit_registered(
    session: AsyncSession, unit: UnitRegistered, event: CloudEvent
) -> None:
    account = await service.open_account_for_unit(session, unit)
    # opened after this month's run started: the month's management fee now (once)
    await charge_new_unit(session, account)
    # the first status ("current", nothing due): the front desk shows it, not "unknown"
    await refresh_status(session, account)


SUBSCRIPTIONS: list[On[Any]] = [On(UnitRegistered, on_unit_registered)]
