"""Rules of payments: a payment goes to the unit's oldest open charges first (FIFO by due date);
what is left over stays on the account as credit and pays the next charges posted."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from fees.accounts.models import Account
from fees.accounts.service import lock_account_of_unit
from fees.charges.models import SETTLED, Charge, ChargeStatus
from fees.collection.promises import keep_promises
from fees.collection.service import close_if_cleared
from fees.payments.models import Payment, PaymentAllocation, PaymentMethod
from fees.payments.schemas import PaymentIn
from fees.receipts.service import receipt_number
from fees.status.service import refresh_status
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.db import utcnow
from propops.errors import Invalid
from propops.lists import Filter, ListQuery, ListSpec
from propops.money import money

# a client's clock a little ahead of ours is not "in the future"
CLOCK_SKEW = timedelta(minutes=5)


async def settle(
    session: AsyncSession, account: Account, now: datetime | None = None
) -> list[PaymentAllocation]:
    """Allocate the (locked) account's credit to its open charges: payments oldest first, to
    charges oldest due first (ties: posted first). Afterwards the account has either no credit
    or no open charge."""
    credits = (
        await session.scalars(
            select(Payment)
            .where(Payment.account_id == account.id, Payment.unallocated > 0)
            .order_by(Payment.paid_at, Payment.created_at, Payment.id)
        )
    ).all()
    if not credits:
        return []
    open_charges = (
        await session.scalars(
            select(Charge)
            .where(Charge.account_id == account.id, Charge.status.not_in(SETTLED))
            .order_by(Charge.due_date, Charge.created_at, Charge.id)
        )
    ).all()
    now = now or utcnow()
    made: list[PaymentAllocation] = []
    charges = iter(open_charges)
    charge = next(charges, None)
    for payment in credits:
        while charge is not None and payment.unallocated > 0:
            part = min(payment.unallocated, charge.outstanding)
            allocation = PaymentAllocation(charge_id=charge.id, amount=part, allocated_at=now)
            payment.allocations.append(allocation)
            made.append(allocation)
            payment.unallocated = money(payment.unallocated - part)
            charge.paid_amount = money(charge.paid_amount + part)
            if charge.outstanding == 0:
                charge.status = ChargeStatus.paid.value
                charge = next(charges, None)
            else:
                charge.status = ChargeStatus.partially_paid.value
        if charge is None:
            break
    await session.flush()
    return made


async def record_payment(
    session: AsyncSession,
    data: PaymentIn,
    *,
    principal: Principal | None = None,
    now: datetime | None = None,
    today: date | None = None,
) -> Payment:
    """Record a payment on the unit's account and allocate it (see ``settle``)."""
    now = now or utcnow()
    paid_at = (data.paid_at or now).astimezone(UTC)
    if paid_at > now + CLOCK_SKEW:
        raise Invalid("a payment cannot be dated in the future", field="paid_at")
    account = await lock_account_of_unit(session, data.unit_id)
    if principal is not None:
        check_property(principal, account.property_id)
    payment = Payment(
        account_id=account.id,
        unit_id=account.unit_id,
        property_id=account.property_id,
        amount=data.amount,
        unallocated=data.amount,
        method=data.method.value,
        paid_at=paid_at,
        reference=data.reference,
        recorded_by=principal.username if principal else None,
        allocations=[],
    )
    payment.receipt_number = await receipt_number(session, account)
    session.add(payment)
    account.balance = money(account.balance - data.amount)
    await session.flush()
    await settle(session, account, now)
    await refresh_status(session, account, today=today, now=now)
    await keep_promises(session, account)
    await close_if_cleared(session, account, today=today)
    return payment


async def get_payment(session: AsyncSession, payment_id: str, principal: Principal) -> Payment:
    return await get_visible(
        session, Payment, payment_id, principal, noun="payment", field="payment_id"
    )


LIST = ListSpec(
    filters=(
        Filter("unit_id", column=Payment.unit_id, max_length=36),
        Filter("property_id", column=Payment.property_id, max_length=36),
        Filter("method", column=Payment.method, values=tuple(PaymentMethod)),
    ),
    sort={
        "paid_at": (Payment.paid_at, Payment.created_at),
        "amount": Payment.amount,
        "created_at": Payment.created_at,
    },
    default_sort="-paid_at",  # newest first
    id_column=Payment.id,
)


def list_payments(principal: Principal, query: ListQuery | None = None) -> Select[tuple[Payment]]:
    stmt = scope_to_properties(select(Payment), Payment.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())
