"""Rules of charges: posting one books it on the unit's account, applies any credit the unit
has, and publishes the unit's payment status if it changed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from fees.accounts.service import lock_account_of_unit
from fees.charges.models import Charge, ChargeKind, ChargeStatus
from fees.charges.schemas import ChargeIn, ChargeStatusFilter
from fees.payments.service import settle
from fees.status.service import refresh_status
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.money import ZERO, money


async def post_charge(
    session: AsyncSession,
    data: ChargeIn,
    *,
    principal: Principal | None = None,
    today: date | None = None,
) -> Charge:
    """Book a charge on the unit's account (a unit without an account: 422 on ``unit_id``)."""
    account = await lock_account_of_unit(session, data.unit_id)
    if principal is not None:
        check_property(principal, account.property_id)
    charge = Charge(
        account_id=account.id,
        unit_id=account.unit_id,
        property_id=account.property_id,
        kind=data.kind.value,
        amount=data.amount,
        paid_amount=ZERO,
        status=ChargeStatus.open.value,
        due_date=data.due_date,
        period=data.period,
        description=data.description,
        posted_by=principal.username if principal else None,
    )
    session.add(charge)
    account.balance = money(account.balance + data.amount)
    await session.flush()
    await settle(session, account)
    await refresh_status(session, account, today=today)
    return charge


async def get_charge(session: AsyncSession, charge_id: str, principal: Principal) -> Charge:
    return await get_visible(
        session, Charge, charge_id, principal, noun="charge", field="charge_id"
    )


def list_charges(
    principal: Principal,
    *,
    today: date,
    unit_id: str | None = None,
    property_id: str | None = None,
    status: ChargeStatusFilter | None = None,
    kind: ChargeKind | None = None,
) -> Select[tuple[Charge]]:
    """Charges, oldest due first (the order payments settle them in)."""
    stmt = select(Charge).order_by(Charge.due_date, Charge.created_at, Charge.id)
    stmt = scope_to_properties(stmt, Charge.property_id, principal)
    if unit_id:
        stmt = stmt.where(Charge.unit_id == unit_id)
    if property_id:
        stmt = stmt.where(Charge.property_id == property_id)
    if kind is not None:
        stmt = stmt.where(Charge.kind == kind.value)
    if status in (ChargeStatusFilter.unpaid, ChargeStatusFilter.overdue):
        stmt = stmt.where(Charge.status != ChargeStatus.paid.value)
        if status is ChargeStatusFilter.overdue:
            stmt = stmt.where(Charge.due_date < today)
    elif status is not None:
        stmt = stmt.where(Charge.status == status.value)
    return stmt
