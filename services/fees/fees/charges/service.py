"""Rules of charges: posting one books it on the unit's account, applies any credit the unit
has, and publishes the unit's payment status if it changed. A management fee or rent is
charged once per unit and period (409 naming the first). Voiding a charge keeps it (status
``voided``, with the reason, who and when), takes it off the balance, gives back what was paid
on it as credit (which pays the unit's other open charges) and publishes the status if it
changed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from fees.accounts.models import Account
from fees.accounts.service import lock_account, lock_account_of_unit
from fees.charges.models import (
    ONCE_PER_PERIOD,
    SETTLED,
    Charge,
    ChargeKind,
    ChargeStatus,
    overdue_on,
)
from fees.charges.schemas import ChargeIn, ChargeStatusFilter
from fees.payments.models import Payment, PaymentAllocation
from fees.payments.service import settle
from fees.status.service import refresh_status
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.db import utcnow
from propops.errors import Conflict
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
    if data.kind.value in ONCE_PER_PERIOD and data.period is not None:
        # under the account's lock: two posts of the same period cannot both pass
        first = await session.scalar(
            select(Charge).where(
                Charge.account_id == account.id,
                Charge.kind == data.kind.value,
                Charge.period == data.period,
                Charge.status != ChargeStatus.voided.value,
            )
        )
        if first is not None:
            raise Conflict(
                f"unit already has a {data.kind.value} charge for {data.period} "
                f"(charge {first.id}); void that one first to charge it again",
                field="period",
                charge_id=first.id,
            )
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
        time_zone=account.time_zone,
    )
    session.add(charge)
    account.balance = money(account.balance + data.amount)
    await session.flush()
    await settle(session, account)
    await refresh_status(session, account, today=today)
    return charge


async def void_charge(
    session: AsyncSession,
    charge_id: str,
    reason: str,
    *,
    principal: Principal,
    today: date | None = None,
) -> Charge:
    """Void a charge (a mistake, a duplicate): kept with the reason, off the balance; what was
    paid on it goes back to the paying payments as credit and settles other open charges.
    Voiding a voided charge is a 409."""
    charge = await get_charge(session, charge_id, principal)
    account = await lock_account(session, charge.account_id)
    assert account is not None
    await session.refresh(charge)  # re-read under the lock: a payment may have settled it
    if charge.status == ChargeStatus.voided.value:
        raise Conflict(
            f"charge was already voided by {charge.voided_by}: {charge.void_reason}",
            field="status",
            status_now=charge.status,
        )
    await void_locked(session, account, charge, reason, actor=principal.username, today=today)
    return charge


async def void_locked(
    session: AsyncSession,
    account: Account,
    charge: Charge,
    reason: str,
    *,
    actor: str | None,
    today: date | None = None,
) -> None:
    """Void a charge that is not voided, of a (locked) account: see ``void_charge``."""
    allocations = (
        await session.scalars(
            select(PaymentAllocation).where(PaymentAllocation.charge_id == charge.id)
        )
    ).all()
    for allocation in allocations:
        payment = await session.get(Payment, allocation.payment_id)
        assert payment is not None
        payment.unallocated = money(payment.unallocated + allocation.amount)
        payment.allocations.remove(allocation)
    charge.status = ChargeStatus.voided.value
    charge.paid_amount = ZERO
    charge.void_reason = reason
    charge.voided_by = actor
    charge.voided_at = utcnow()
    account.balance = money(account.balance - charge.amount)
    await session.flush()
    await settle(session, account)
    await refresh_status(session, account, today=today)


async def get_charge(session: AsyncSession, charge_id: str, principal: Principal) -> Charge:
    return await get_visible(
        session, Charge, charge_id, principal, noun="charge", field="charge_id"
    )


def _status(value: str) -> ColumnElement[bool]:
    if value == ChargeStatusFilter.unpaid:
        return Charge.status.not_in(SETTLED)
    if value == ChargeStatusFilter.overdue:
        return overdue_on()
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
            where=boolean(lambda: overdue_on()),
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
