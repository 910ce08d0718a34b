"""Rules of charges: posting one books it on the unit's account, applies any credit the unit
has, and publishes the unit's payment status if it changed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from fees.accounts.service import lock_account_of_unit
from fees.charges.models import Charge, ChargeKind, ChargeStatus, overdue_on
from fees.charges.schemas import ChargeIn, ChargeStatusFilter
from fees.payments.service import settle
from fees.status.service import refresh_status, today_utc
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.lists import Filter, ListQuery, ListSpec, boolean
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


def _status(value: str) -> ColumnElement[bool]:
    if value == ChargeStatusFilter.unpaid:
        return Charge.status != ChargeStatus.paid.value
    if value == ChargeStatusFilter.overdue:
        return overdue_on(today_utc())
    return Charge.status == value


LIST = ListSpec(
    filters=(
        Filter("unit_id", column=Charge.unit_id, max_length=36),
        Filter("property_id", column=Charge.property_id, max_length=36),
        Filter(
            "status",
            where=_status,
            values=tuple(ChargeStatusFilter),
            description="a status; unpaid: open or partially paid; overdue: unpaid and due "
            "before today",
        ),
        Filter("kind", column=Charge.kind, values=tuple(ChargeKind)),
        Filter(
            "overdue",
            type=bool,
            where=boolean(lambda: overdue_on(today_utc())),
            description="only charges unpaid and due before today (false: the others)",
        ),
        Filter(
            "period",
            column=Charge.period,
            pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
            description="the month billed, YYYY-MM",
        ),
    ),
    sort={
        "due_date": (Charge.due_date, Charge.created_at),
        "created_at": Charge.created_at,
        "period": Charge.period,
        "amount": Charge.amount,
    },
    # oldest due first: the order payments settle them in
    default_sort="due_date",
    id_column=Charge.id,
)


def list_charges(principal: Principal, query: ListQuery | None = None) -> Select[tuple[Charge]]:
    stmt = scope_to_properties(select(Charge), Charge.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())
