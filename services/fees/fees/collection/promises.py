"""Promises to pay (DOMAIN §5): kept or broken.

A promise (an amount by a date) is **kept** when the payments on the account recorded after the
promise, and paid on or before its date (the property's day), reach the promised amount; it is
**broken** when its date has passed without that. A payment decides the account's pending
promises it keeps in its own transaction (``keep_promises``); the promise sweep (a job) decides
those whose date has passed (``sweep_promises``). A case closed because the arrears were
cleared keeps its pending promises: the owner paid what was owed.

Each promise moves from ``pending`` once, by a conditional UPDATE (``... WHERE status =
'pending'``), so a payment and a sweep racing, or two replicas sweeping, decide it once and the
broken event is published once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fees.accounts.models import Account
from fees.collection.models import BROKEN, KEPT, PENDING, CollectionCase, Promise
from fees.payments.models import Payment
from propops.db import utcnow
from propops.events.payloads import CollectionPromiseBroken
from propops.messaging.outbox import emit
from propops.money import money
from propops.timezones import local_date, today_in


async def paid_towards(session: AsyncSession, promise: Promise, account: Account) -> Decimal:
    """What the account was paid after the promise was made, by its date (the property's day)."""
    payments = (
        await session.scalars(
            select(Payment).where(Payment.account_id == account.id, Payment.created_at > promise.at)
        )
    ).all()
    return money(
        sum(
            (
                p.amount
                for p in payments
                if local_date(p.paid_at, account.time_zone) <= promise.pay_by
            ),
            Decimal(0),
        )
    )


async def _decide(
    session: AsyncSession, promise: Promise, status: str, paid: Decimal, now: datetime
) -> bool:
    """Move a pending promise to ``status``; False if it was decided already."""
    result = await session.execute(
        update(Promise)
        .where(Promise.id == promise.id, Promise.status == PENDING)
        .values(status=status, paid=paid, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    moved = result.rowcount == 1  # type: ignore[attr-defined]
    if moved:
        promise.status, promise.paid, promise.decided_at = status, paid, now
    return moved


async def _pending_of(session: AsyncSession, account: Account) -> list[Promise]:
    return list(
        await session.scalars(
            select(Promise)
            .join(CollectionCase, CollectionCase.id == Promise.case_id)
            .where(CollectionCase.account_id == account.id, Promise.status == PENDING)
            .order_by(Promise.at)
        )
    )


async def keep_promises(
    session: AsyncSession, account: Account, *, cleared: bool = False, now: datetime | None = None
) -> int:
    """After a payment (same transaction): the account's pending promises it keeps (all of them
    when ``cleared``: the arrears are paid). Returns how many were kept."""
    now = now or utcnow()
    kept = 0
    for promise in await _pending_of(session, account):
        paid = await paid_towards(session, promise, account)
        if (cleared or paid >= promise.amount) and await _decide(session, promise, KEPT, paid, now):
            kept += 1
    return kept


async def sweep_promises(
    session: AsyncSession, *, now: datetime | None = None, limit: int = 200
) -> tuple[int, int]:
    """Decide pending promises whose date has passed where the property is: broken (with its
    event, once) or, if the payments reached the amount after all, kept. Returns (decided,
    broken); fewer decided than ``limit``: nothing more to decide now."""
    now = now or utcnow()
    # no property's day is more than a day ahead of UTC: a cheap indexed bound first
    rows = (
        await session.execute(
            select(Promise, CollectionCase, Account)
            .join(CollectionCase, CollectionCase.id == Promise.case_id)
            .join(Account, Account.id == CollectionCase.account_id)
            .where(Promise.status == PENDING, Promise.pay_by < now.date() + timedelta(days=1))
            .order_by(Promise.pay_by, Promise.id)
            .limit(limit)
        )
    ).all()
    decided = broken = 0
    for promise, case, account in rows:
        if promise.pay_by >= today_in(account.time_zone, now):
            continue  # its day has not ended there yet
        paid = await paid_towards(session, promise, account)
        decided += 1
        if paid >= promise.amount:
            await _decide(session, promise, KEPT, paid, now)
            continue
        if await _decide(session, promise, BROKEN, paid, now):
            broken += 1
            emit(
                session,
                CollectionPromiseBroken(
                    promise_id=promise.id,
                    case_id=case.id,
                    property_id=case.property_id,
                    unit_id=case.unit_id,
                    amount=promise.amount,
                    paid=paid,
                    pay_by=promise.pay_by,
                    promised_by=promise.by,
                    at=now,
                ),
                subject=promise.id,
            )
    await session.flush()
    return decided, broken
