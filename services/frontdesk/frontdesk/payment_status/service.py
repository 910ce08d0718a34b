"""Payment status as the desk knows it (from fees' events; no synchronous call to fees)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.payment_status.models import UnitPaymentStatus
from propops.events.payloads import AccountStatusChanged
from propops.money import MoneyOut


class PaymentStatus(BaseModel):
    status: str  # current | arrears | unknown (fees has told us nothing yet)
    balance_due: MoneyOut | None = None
    overdue_amount: MoneyOut | None = None
    oldest_overdue_date: date | None = None
    as_of: datetime | None = None


UNKNOWN = PaymentStatus(status="unknown")


async def apply(session: AsyncSession, change: AccountStatusChanged) -> None:
    """Keep the newest status per unit (events may arrive out of order after a redelivery)."""
    row = await session.get(UnitPaymentStatus, change.unit_id)
    if row is not None and row.as_of >= change.as_of:
        return
    if row is None:
        row = UnitPaymentStatus(unit_id=change.unit_id)
        session.add(row)
    row.account_id = change.account_id
    row.status = change.status
    row.balance_due = change.balance_due
    row.overdue_amount = change.overdue_amount
    row.oldest_overdue_date = change.oldest_overdue_date
    row.as_of = change.as_of


async def of_unit(session: AsyncSession, unit_id: str | None) -> PaymentStatus:
    if unit_id is None:
        return UNKNOWN
    row = await session.get(UnitPaymentStatus, unit_id)
    if row is None:
        return UNKNOWN
    return PaymentStatus(
        status=row.status,
        balance_due=row.balance_due,
        overdue_amount=row.overdue_amount,
        oldest_overdue_date=row.oldest_overdue_date,
        as_of=row.as_of,
    )
