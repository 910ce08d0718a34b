"""A unit's statement (月結單) for a period: the balance owed before it, every charge (on its
due date) and payment (on the day it was paid, in the unit's time zone) within it with the
running balance, and the balance owed after it. Voided charges owe nothing and are left out.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fees.accounts.models import Account
from fees.accounts.service import account_of_unit
from fees.charges.models import Charge, ChargeStatus
from fees.payments.models import Payment
from fees.statements.schemas import LineKind, StatementLine, StatementOut
from propops.auth import Principal
from propops.errors import Invalid
from propops.money import ZERO, money
from propops.timezones import local_date, today_in, zone

MAX_DAYS = 3700  # about ten years: a statement is read by a person


def period_of(account: Account, start: date | None, end: date | None) -> tuple[date, date]:
    """Defaults: up to today in the unit's zone, from the first day of that month."""
    end = end or today_in(account.time_zone)
    start = start or end.replace(day=1)
    if start > end:
        raise Invalid("'from' must not be after 'to'", field="from")
    if (end - start).days > MAX_DAYS:
        raise Invalid(f"a statement covers at most {MAX_DAYS} days", field="to")
    return start, end


def _midnight(day: date, time_zone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone(time_zone))


async def statement(
    session: AsyncSession,
    unit_id: str,
    principal: Principal,
    start: date | None = None,
    end: date | None = None,
) -> StatementOut:
    account = await account_of_unit(session, unit_id, principal)
    start, end = period_of(account, start, end)
    charges = (
        await session.scalars(
            select(Charge)
            .where(
                Charge.account_id == account.id,
                Charge.status != ChargeStatus.voided.value,
                Charge.due_date <= end,
            )
            .order_by(Charge.due_date, Charge.created_at, Charge.id)
        )
    ).all()
    until = _midnight(end + timedelta(days=1), account.time_zone)
    payments = (
        await session.scalars(
            select(Payment)
            .where(Payment.account_id == account.id, Payment.paid_at < until)
            .order_by(Payment.paid_at, Payment.created_at, Payment.id)
        )
    ).all()
    opening = ZERO
    entries: list[tuple[date, int, StatementLine]] = []
    for charge in charges:
        if charge.due_date < start:
            opening += charge.amount
            continue
        entries.append(
            (
                charge.due_date,
                0,
                StatementLine(
                    date=charge.due_date,
                    kind=LineKind.charge,
                    id=charge.id,
                    description=charge.description or charge.kind,
                    reference=charge.period,
                    debit=charge.amount,
                    credit=None,
                    balance=ZERO,
                ),
            )
        )
    for payment in payments:
        day = local_date(payment.paid_at, account.time_zone)
        if day < start:
            opening -= payment.amount
            continue
        entries.append(
            (
                day,
                1,
                StatementLine(
                    date=day,
                    kind=LineKind.payment,
                    id=payment.id,
                    description=payment.method,
                    reference=payment.receipt_number,
                    debit=None,
                    credit=payment.amount,
                    balance=ZERO,
                ),
            )
        )
    entries.sort(key=lambda e: (e[0], e[1]))  # stable: charges, then payments, of a day
    balance: Decimal = money(opening)
    charged = paid = ZERO
    lines = []
    for _, _, line in entries:
        charged += line.debit or ZERO
        paid += line.credit or ZERO
        balance = money(balance + (line.debit or ZERO) - (line.credit or ZERO))
        line.balance = balance
        lines.append(line)
    return StatementOut(
        unit_id=account.unit_id,
        account_id=account.id,
        property_id=account.property_id,
        property_code=account.property_code,
        building=account.building,
        unit_number=account.unit_number,
        from_date=start,
        to_date=end,
        opening_balance=money(opening),
        charges_total=money(charged),
        payments_total=money(paid),
        closing_balance=balance,
        lines=lines,
    )
