"""Arrears (欠款): the units with charges unpaid after their due date, by age.

A charge is overdue the day after its due date where the unit is (``fees.charges.models``
``overdue_on``, the payment status's rule); its age is the days since then, bucketed 0-30,
31-60, 61-90 and over 90. One query reads the unpaid part of every overdue charge in scope;
the sums are made here (per unit, then the totals), so the buckets always add up to the amount.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fees.accounts.models import Account
from fees.arrears.schemas import Buckets, UnitArrears
from fees.charges.models import Charge, overdue_on
from propops.auth import Principal, check_property, scope_to_properties
from propops.db import utcnow
from propops.money import ZERO, money
from propops.timezones import today_in

BUCKET_NAMES = ("d0_30", "d31_60", "d61_90", "d90_plus")


def bucket_of(days_overdue: int) -> str:
    if days_overdue <= 30:
        return "d0_30"
    if days_overdue <= 60:
        return "d31_60"
    if days_overdue <= 90:
        return "d61_90"
    return "d90_plus"


@dataclass
class _Unit:
    account_id: str
    oldest: date
    days: int
    buckets: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(BUCKET_NAMES, ZERO))

    @property
    def amount(self) -> Decimal:
        return sum(self.buckets.values(), ZERO)


@dataclass(frozen=True)
class Arrears:
    units: list[UnitArrears]
    amount: Decimal
    buckets: Buckets
    as_of: datetime


async def arrears(
    session: AsyncSession,
    principal: Principal,
    *,
    property_id: str | None = None,
    unit_id: str | None = None,
    min_days: int = 0,
    min_amount: Decimal = ZERO,
    today: date | None = None,
) -> Arrears:
    """Every unit in arrears in scope, largest amount first (then the oldest). ``today``
    (tests) is the day everywhere; by default it is today in each charge's time zone."""
    now = utcnow()
    if property_id is not None:
        check_property(principal, property_id)
    stmt = select(
        Charge.account_id, Charge.due_date, Charge.time_zone, Charge.amount, Charge.paid_amount
    ).where(overdue_on(today))
    stmt = scope_to_properties(stmt, Charge.property_id, principal)
    if property_id is not None:
        stmt = stmt.where(Charge.property_id == property_id)
    if unit_id is not None:
        stmt = stmt.where(Charge.unit_id == unit_id)
    todays: dict[str, date] = {}
    units: dict[str, _Unit] = {}
    for account_id, due, zone_name, amount, paid in (await session.execute(stmt)).all():
        day = today or todays.setdefault(zone_name, today_in(zone_name, now))
        age = (day - due).days
        unit = units.setdefault(account_id, _Unit(account_id, due, age))
        if due < unit.oldest:
            unit.oldest, unit.days = due, age
        unit.buckets[bucket_of(age)] += amount - paid
    chosen = [u for u in units.values() if u.days >= min_days and u.amount >= min_amount]
    chosen.sort(key=lambda u: (-u.amount, u.oldest, u.account_id))
    accounts = await _accounts(session, [u.account_id for u in chosen])
    totals = dict.fromkeys(BUCKET_NAMES, ZERO)
    out = []
    for unit in chosen:
        for name in BUCKET_NAMES:
            totals[name] += unit.buckets[name]
        account = accounts[unit.account_id]
        out.append(
            UnitArrears(
                unit_id=account.unit_id,
                account_id=account.id,
                property_id=account.property_id,
                property_code=account.property_code,
                building=account.building,
                unit_number=account.unit_number,
                amount=money(unit.amount),
                oldest_due_date=unit.oldest,
                days_overdue=unit.days,
                buckets=Buckets(**{k: money(v) for k, v in unit.buckets.items()}),
            )
        )
    return Arrears(
        units=out,
        amount=money(sum(totals.values(), ZERO)),
        buckets=Buckets(**{k: money(v) for k, v in totals.items()}),
        as_of=now,
    )


async def _accounts(session: AsyncSession, ids: list[str]) -> dict[str, Account]:
    found: dict[str, Account] = {}
    for chunk in _chunks(ids, 500):
        rows = await session.scalars(select(Account).where(Account.id.in_(chunk)))
        found.update({a.id: a for a in rows})
    return found


def _chunks(ids: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


CSV_HEADER = (
    "property_code",
    "building",
    "unit_number",
    "unit_id",
    "amount",
    "days_overdue",
    "oldest_due_date",
    "0-30",
    "31-60",
    "61-90",
    "90+",
)


def csv_rows(result: Arrears) -> Iterator[list[str]]:
    yield list(CSV_HEADER)
    for u in result.units:
        b = u.buckets
        yield [
            u.property_code,
            u.building,
            u.unit_number,
            u.unit_id,
            f"{u.amount:.2f}",
            str(u.days_overdue),
            u.oldest_due_date.isoformat(),
            *(f"{getattr(b, name):.2f}" for name in BUCKET_NAMES),
        ]
