"""A unit's payment status (current / arrears), and publishing it when it changes.

The status is computed from the account's unpaid charges and credit, as of a day ("today" in
the property's time zone, kept on the account; injectable so tests need not wait). Every
change that moves it (a charge posted, a payment recorded, a charge voided, the account
opened) publishes ``propops.fees.account.status_changed.v1`` in the same transaction; so does
the sweep, for charges that fall overdue with no change at all. The last published status is
kept on the account, so each change is published once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fees.accounts.models import Account
from fees.accounts.service import ARREARS, CURRENT, lock_account
from fees.charges.models import SETTLED, Charge
from fees.payments.models import Payment
from propops.db import utcnow
from propops.events.payloads import AccountStatusChanged
from propops.messaging.outbox import emit
from propops.money import ZERO, money
from propops.timezones import today_in


@dataclass(frozen=True)
class PaymentStatus:
    account_id: str
    unit_id: str
    property_id: str
    status: str  # current | arrears
    balance_due: Decimal  # unpaid charges minus credit, never negative
    overdue_amount: Decimal  # the unpaid part of charges due before today
    oldest_overdue_date: date | None
    credit: Decimal  # paid and not yet allocated to a charge
    as_of: datetime
    review_on: date | None  # the next day on which time alone changes the status

    def published_as(self) -> tuple[str, Decimal, Decimal, date | None]:
        return (self.status, self.balance_due, self.overdue_amount, self.oldest_overdue_date)


def today_of(charge_or_account: Charge | Account, now: datetime | None = None) -> date:
    """ "Today" where the unit is (its property's time zone)."""
    return today_in(charge_or_account.time_zone, now)


async def todays_by_zone(session: AsyncSession, now: datetime | None = None) -> dict[str, date]:
    """ "Today" in each time zone the accounts are in (a handful): for overdue filters."""
    zones = (await session.scalars(select(Account.time_zone).distinct())).all()
    return {zone: today_in(zone, now) for zone in zones}


async def compute_status(
    session: AsyncSession,
    account: Account,
    *,
    today: date | None = None,
    now: datetime | None = None,
) -> PaymentStatus:
    """The account's payment status as of ``today`` (default: the current day in the
    account's time zone)."""
    now = now or utcnow()
    today = today or today_in(account.time_zone, now)
    unpaid = (
        await session.scalars(
            select(Charge)
            .where(Charge.account_id == account.id, Charge.status.not_in(SETTLED))
            .order_by(Charge.due_date)
        )
    ).all()
    credits = (
        await session.scalars(
            select(Payment.unallocated).where(
                Payment.account_id == account.id, Payment.unallocated > 0
            )
        )
    ).all()
    credit = money(sum(credits, ZERO))
    unpaid_total = money(sum((c.outstanding for c in unpaid), ZERO))
    overdue = [c for c in unpaid if c.is_overdue(today)]
    overdue_amount = money(sum((c.outstanding for c in overdue), ZERO))
    upcoming = [c.due_date for c in unpaid if c.due_date >= today]
    return PaymentStatus(
        account_id=account.id,
        unit_id=account.unit_id,
        property_id=account.property_id,
        status=ARREARS if overdue_amount > 0 else CURRENT,
        balance_due=max(unpaid_total - credit, ZERO),
        overdue_amount=overdue_amount,
        oldest_overdue_date=min((c.due_date for c in overdue), default=None),
        credit=credit,
        as_of=now,
        review_on=min(upcoming) + timedelta(days=1) if upcoming else None,
    )


def _published(account: Account) -> tuple[str, Decimal, Decimal, date | None]:
    return (
        account.published_status,
        account.published_balance_due,
        account.published_overdue_amount,
        account.published_oldest_overdue_date,
    )


async def refresh_status(
    session: AsyncSession,
    account: Account,
    *,
    today: date | None = None,
    now: datetime | None = None,
) -> tuple[PaymentStatus, bool]:
    """Recompute the status of a (locked) account; if it differs from the one last published,
    emit ``status_changed`` in the caller's transaction. Returns the status and whether it was
    published."""
    status = await compute_status(session, account, today=today, now=now)
    account.status_review_on = status.review_on
    if account.published_at is not None and status.published_as() == _published(account):
        return status, False
    account.published_status = status.status
    account.published_balance_due = status.balance_due
    account.published_overdue_amount = status.overdue_amount
    account.published_oldest_overdue_date = status.oldest_overdue_date
    account.published_at = status.as_of
    emit(
        session,
        AccountStatusChanged(
            account_id=account.id,
            unit_id=account.unit_id,
            property_id=account.property_id,
            status=status.status,
            balance_due=status.balance_due,
            overdue_amount=status.overdue_amount,
            oldest_overdue_date=status.oldest_overdue_date,
            as_of=status.as_of,
        ),
        subject=account.id,
    )
    return status, True


async def sweep_statuses(
    session: AsyncSession,
    *,
    today: date | None = None,
    limit: int = 200,
) -> tuple[int, int]:
    """Re-check up to ``limit`` accounts on which a charge may have fallen overdue since their
    status was last computed, publishing those that changed. The caller commits. Returns
    (accounts checked, statuses published).

    ``today`` (tests) is the day everywhere; by default each account's day is today in its
    property's time zone: the candidates are those whose review day has come in the zone
    furthest ahead, and each is then checked against its own day."""
    latest = today or max((await todays_by_zone(session)).values(), default=today_in("UTC"))
    due = (
        await session.scalars(
            select(Account.id)
            .where(Account.status_review_on <= latest)
            .order_by(Account.status_review_on, Account.id)
            .limit(limit)
        )
    ).all()
    published = 0
    for account_id in due:
        account = await lock_account(session, account_id)
        # re-read under the lock: a payment may have settled it meanwhile
        if account is None or account.status_review_on is None:
            continue
        its_today = today or today_of(account)
        if account.status_review_on > its_today:
            continue
        _, changed = await refresh_status(session, account, today=its_today)
        published += changed
    return len(due), published
