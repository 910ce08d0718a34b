"""Arrears across the units a user may see: one grouped query over the overdue charges (the same
rule as a unit's payment status: unpaid in part or whole after its due date)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fees.accounts.models import Account
from fees.charges.models import Charge, ChargeStatus
from fees.reports.schemas import ArrearsReport, UnitInArrears
from propops.auth import Principal, check_property, scope_to_properties
from propops.db import utcnow
from propops.money import ZERO, money


async def arrears(
    session: AsyncSession,
    principal: Principal,
    *,
    property_id: str | None = None,
    today: date | None = None,
    limit: int = 20,
) -> ArrearsReport:
    now = utcnow()
    today = today or now.date()
    if property_id is not None:
        check_property(principal, property_id)
    overdue = func.sum(Charge.amount - Charge.paid_amount)
    stmt = (
        select(Charge.account_id, overdue.label("overdue"), func.min(Charge.due_date))
        .where(Charge.status != ChargeStatus.paid, Charge.due_date < today)
        .group_by(Charge.account_id)
    )
    stmt = scope_to_properties(stmt, Charge.property_id, principal)
    if property_id is not None:
        stmt = stmt.where(Charge.property_id == property_id)
    rows = (await session.execute(stmt)).all()
    total = money(sum((r[1] for r in rows), ZERO))
    top = sorted(rows, key=lambda r: (-r[1], r[2]))[:limit]
    accounts = {
        a.id: a
        for a in (
            await session.scalars(select(Account).where(Account.id.in_([r[0] for r in top])))
        ).all()
    }
    return ArrearsReport(
        property_id=property_id,
        units_in_arrears=len(rows),
        overdue_total=total,
        units=[
            UnitInArrears(
                unit_id=accounts[account_id].unit_id,
                property_id=accounts[account_id].property_id,
                building=accounts[account_id].building,
                unit_number=accounts[account_id].unit_number,
                overdue_amount=money(amount),
                oldest_overdue_date=oldest,
            )
            for account_id, amount, oldest in top
        ],
        as_of=now,
    )
