"""The monthly billing run of a property.

``POST /v1/billing-runs {property_id, period}`` starts one run per property and period (a second
request answers the same run). The run raises:

- one **management fee** per unit account: ``area_m2 x rate`` for a per-m2 rate, or the rate for
  a per-unit rate, the rate being the one in force on the period's first day; the product is
  rounded **half-up to the cent** (``12.345 -> 12.35``, ``12.344 -> 12.34``). A unit without a
  floor area under a per-m2 rate is skipped (counted in ``units_skipped``);
- the period's **rent** of every lease contract (``fees.contracts.schedule``).

All charges of the run are due on its ``due_date`` (default: the period's last day).

What fees learns after a run has started is charged at once, as the run would have: a lease
contract's rent of the periods whose run exists (``fees.contracts.service.charge_missed_rents``)
and a unit account opened in a month whose run exists, that month's management fee
(``charge_new_unit``).

No account is charged twice for a period: the database holds one management fee (one rent) per
account and period (``uq_charges_once_per_period``), and each chunk locks its accounts, skips
those charged already (by an earlier, interrupted attempt, or by hand) and raises the rest in
one transaction together with the run's cursor. An interrupted run (a restart, a crash) is
picked up by the ``billing-runs`` job where its cursor stands.

It is fast because it is set-based: a chunk of accounts is read in one query, the amounts are
computed in Python (Decimal), the charges inserted and the balances updated with one
``executemany`` each; only accounts holding credit are settled one by one (the credit pays the
new charge at once, as with any charge). The run publishes one summary event,
``propops.fees.billing_run.completed.v1``; the units' payment status is not published per
charge (a charge not yet due changes no status; the status sweep publishes when it falls
overdue).
"""

from __future__ import annotations

import asyncio
import time
from calendar import monthrange
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import structlog
from sqlalchemy import Select, case, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from fees.accounts.models import Account, AccountHolder
from fees.accounts.service import lock_account
from fees.billing_runs.bulk import insert_many, new_ids
from fees.billing_runs.models import BillingRun, RunPhase, RunStatus
from fees.billing_runs.schemas import BillingRunIn
from fees.charges.models import Charge, ChargeKind, ChargeStatus
from fees.charges.schemas import ChargeIn
from fees.charges.service import post_charge
from fees.contracts.models import LeaseContract
from fees.contracts.schedule import period_bounds, rent_due
from fees.payments.models import Payment
from fees.payments.service import settle
from fees.rates.models import RateBasis
from fees.rates.service import rate_on
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.db import Database, utcnow
from propops.errors import Invalid
from propops.events.payloads import BillingRunCompleted
from propops.lists import Filter, ListQuery, ListSpec
from propops.messaging.outbox import emit
from propops.money import ZERO, money
from propops.timezones import today_in

log = structlog.get_logger("fees.billing_runs")
CHUNK = 5000  # unit accounts per transaction
ACCOUNTS = Account.__table__
CHARGES = Charge.__table__


def management_fee(basis: str, rate: Decimal, area_m2: Decimal | None) -> Decimal | None:
    """A unit's management fee for a month: ``area_m2 x rate`` (per_m2) or ``rate``
    (per_unit), rounded half-up to the cent; None when a per-m2 rate meets no area."""
    if basis == RateBasis.per_unit:
        return money(rate)
    if area_m2 is None or area_m2 <= 0:
        return None
    amount = money(Decimal(area_m2) * rate)
    return amount if amount > 0 else None


def last_day(period: str) -> date:
    year, month = (int(x) for x in period.split("-"))
    return date(year, month, monthrange(year, month)[1])


async def start_run(
    session: AsyncSession, data: BillingRunIn, principal: Principal
) -> tuple[BillingRun, bool]:
    """The property's run for the period: the existing one, or a new one (committed, so the
    worker and a second request see it). Returns (run, created)."""
    check_property(principal, data.property_id)
    existing = await find_run(session, data.property_id, data.period)
    if existing is not None:
        return existing, False
    first, _ = period_bounds(data.period)
    rate = await rate_on(session, data.property_id, first)
    if rate is None:
        raise Invalid(
            f"the property has no fee rate in force on {first.isoformat()}: add one first",
            field="period",
        )
    units = await session.scalar(
        select(func.count())
        .select_from(Account)
        .where(Account.property_id == data.property_id, Account.holder == AccountHolder.unit.value)
    )
    run = BillingRun(
        property_id=data.property_id,
        period=data.period,
        status=RunStatus.running.value,
        phase=RunPhase.management.value,
        due_date=data.due_date or last_day(data.period),
        rate_id=rate.id,
        rate_basis=rate.basis,
        rate_amount=rate.amount,
        units_total=units or 0,
        started_by=principal.username,
    )
    session.add(run)
    try:
        await session.commit()
    except IntegrityError:  # a concurrent request started it first
        await session.rollback()
        existing = await find_run(session, data.property_id, data.period)
        assert existing is not None
        return existing, False
    return run, True


async def charge_new_unit(
    session: AsyncSession, account: Account, *, today: date | None = None
) -> Charge | None:
    """A unit account opened after its property's run for this month (today where the property
    is) started: that month's management fee, with the run's rate, due on the run's due date or
    today if later. Nothing if the run is not there yet (it will charge the unit), if the rule
    gives nothing (no area under a per-m2 rate), or if the account has a management fee for the
    month already, even a voided one (a replayed event, the run itself)."""
    today = today or today_in(account.time_zone)
    run = await find_run(session, account.property_id, today.strftime("%Y-%m"))
    if run is None:
        return None
    amount = management_fee(run.rate_basis, run.rate_amount, account.area_m2)
    if amount is None:
        return None
    locked = await lock_account(session, account.id)
    assert locked is not None
    charged = await session.scalar(
        select(Charge.id).where(
            Charge.account_id == account.id,
            Charge.kind == ChargeKind.management_fee.value,
            Charge.period == run.period,
        )
    )
    if charged is not None:
        return None
    return await post_charge(
        session,
        ChargeIn(
            unit_id=account.unit_id,
            kind=ChargeKind.management_fee,
            amount=amount,
            due_date=max(run.due_date, today),
            period=run.period,
        ),
    )


async def find_run(session: AsyncSession, property_id: str, period: str) -> BillingRun | None:
    return await session.scalar(
        select(BillingRun).where(BillingRun.property_id == property_id, BillingRun.period == period)
    )


async def get_run(session: AsyncSession, run_id: str, principal: Principal) -> BillingRun:
    return await get_visible(
        session, BillingRun, run_id, principal, noun="billing run", field="run_id"
    )


LIST = ListSpec(
    filters=(
        Filter("property_id", column=BillingRun.property_id, max_length=36),
        Filter("status", column=BillingRun.status, values=tuple(RunStatus)),
        Filter("period", column=BillingRun.period, pattern=r"^\d{4}-(0[1-9]|1[0-2])$"),
    ),
    sort={"period": BillingRun.period, "started_at": BillingRun.started_at},
    default_sort="-period",
    id_column=BillingRun.id,
)


def list_runs(principal: Principal, query: ListQuery | None = None) -> Select[tuple[BillingRun]]:
    stmt = scope_to_properties(select(BillingRun), BillingRun.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())


# --- the worker ---------------------------------------------------------------------------


@dataclass
class Timings:
    """Seconds spent per phase of a run (the benchmark prints them)."""

    seconds: dict[str, float]

    @classmethod
    def new(cls) -> Timings:
        return cls({})

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - began


@dataclass(frozen=True)
class Due:
    account_id: str
    unit_id: str
    time_zone: str
    amount: Decimal


async def _lock_run(session: AsyncSession, run_id: str) -> BillingRun | None:
    """The run, locked for this transaction (written first: a row lock on PostgreSQL, the
    write lock on SQLite), so two workers never move one run at once."""
    await session.execute(
        update(BillingRun)
        .where(BillingRun.id == run_id)
        .values(heartbeat_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return await session.scalar(
        select(BillingRun).where(BillingRun.id == run_id).execution_options(populate_existing=True)
    )


async def _charged_already(
    session: AsyncSession, first: str, last: str, kind: ChargeKind, period: str
) -> set[str]:
    """The accounts with ids from ``first`` to ``last`` that have a ``kind`` charge for the
    period already (by an earlier, interrupted attempt, or by hand): an indexed range."""
    rows = await session.scalars(
        select(Charge.account_id).where(
            Charge.account_id >= first,
            Charge.account_id <= last,
            Charge.kind == kind.value,
            Charge.period == period,
            Charge.status != ChargeStatus.voided.value,
        )
    )
    return set(rows.all())


async def _raise(
    session: AsyncSession, run: BillingRun, kind: ChargeKind, dues: list[Due], t: Timings
) -> None:
    """Insert the charges, add them to their accounts' balances and review days (one
    statement, which waits for a payment holding an account's lock), then let any credit the
    accounts hold pay them."""
    if not dues:
        return
    now = utcnow()
    review_on = run.due_date + timedelta(days=1)
    with t.phase("insert charges"):
        ids = new_ids(len(dues))
        await insert_many(
            session,
            CHARGES,
            ("id", "account_id", "unit_id", "amount", "time_zone"),
            [
                (charge_id, d.account_id, d.unit_id, d.amount, d.time_zone)
                for charge_id, d in zip(ids, dues, strict=True)
            ],
            {
                "property_id": run.property_id,
                "kind": kind.value,
                "paid_amount": ZERO,
                "status": ChargeStatus.open.value,
                "due_date": run.due_date,
                "period": run.period,
                "posted_by": run.started_by,
                "billing_run_id": run.id,
                "created_at": now,
                "updated_at": now,
            },
        )
    with t.phase("update balances"):
        raised = select(CHARGES.c.account_id).where(
            CHARGES.c.billing_run_id == run.id,
            CHARGES.c.kind == kind.value,
            CHARGES.c.account_id >= min(d.account_id for d in dues),
            CHARGES.c.account_id <= max(d.account_id for d in dues),
        )
        amount = (
            select(CHARGES.c.amount)
            .where(
                CHARGES.c.billing_run_id == run.id,
                CHARGES.c.kind == kind.value,
                CHARGES.c.account_id == ACCOUNTS.c.id,
            )
            .scalar_subquery()
        )
        await session.execute(
            update(ACCOUNTS)
            .where(ACCOUNTS.c.id.in_(raised))
            .values(
                balance=ACCOUNTS.c.balance + amount,
                updated_at=now,
                status_review_on=case(
                    (
                        or_(
                            ACCOUNTS.c.status_review_on.is_(None),
                            ACCOUNTS.c.status_review_on > review_on,
                        ),
                        review_on,
                    ),
                    else_=ACCOUNTS.c.status_review_on,
                ),
            )
        )
    with t.phase("settle credit"):
        # the accounts of the range holding credit (an indexed range; usually a handful)
        charged = {d.account_id for d in dues}
        holding = (
            await session.scalars(
                select(Payment.account_id)
                .where(
                    Payment.account_id >= min(charged),
                    Payment.account_id <= max(charged),
                    Payment.unallocated > 0,
                )
                .distinct()
            )
        ).all()
        with_credit = sorted(set(holding) & charged)
        for account_id in with_credit:
            account = await lock_account(session, account_id)
            assert account is not None
            await settle(session, account, now)


async def _management_chunk(session: AsyncSession, run: BillingRun, chunk: int, t: Timings) -> int:
    """Charge the next ``chunk`` unit accounts after the cursor; returns how many were looked
    at (fewer than ``chunk``: the last)."""
    with t.phase("read accounts"):
        after = [] if run.cursor is None else [Account.id > run.cursor]
        rows = (
            await session.execute(
                select(Account.id, Account.unit_id, Account.area_m2, Account.time_zone)
                .where(
                    Account.property_id == run.property_id,
                    Account.holder == AccountHolder.unit.value,
                    *after,
                )
                .order_by(Account.id)
                .limit(chunk)
            )
        ).all()
        if not rows:
            return 0
        done = await _charged_already(
            session, rows[0].id, rows[-1].id, ChargeKind.management_fee, run.period
        )
    with t.phase("compute amounts"):
        dues: list[Due] = []
        for r in rows:
            if r.id in done:
                continue
            amount = management_fee(run.rate_basis, run.rate_amount, r.area_m2)
            if amount is not None:
                dues.append(Due(r.id, r.unit_id, r.time_zone, amount))
    await _raise(session, run, ChargeKind.management_fee, dues, t)
    run.cursor = rows[-1].id
    run.units_done += len(rows)
    run.units_skipped += len(rows) - len(dues)
    run.management_fee_count += len(dues)
    run.management_fee_total = money(run.management_fee_total + sum((d.amount for d in dues), ZERO))
    return len(rows)


async def _rents(session: AsyncSession, run: BillingRun, t: Timings) -> None:
    first, last = period_bounds(run.period)
    with t.phase("rents"):
        contracts = (
            await session.execute(
                select(LeaseContract, Account.unit_id, Account.time_zone)
                .join(Account, Account.id == LeaseContract.account_id)
                .where(
                    LeaseContract.property_id == run.property_id,
                    LeaseContract.start_date <= last,
                    LeaseContract.end_date >= first,
                )
                .order_by(LeaseContract.account_id)
            )
        ).all()
        owed: list[Due] = []
        for contract, unit_id, time_zone in contracts:
            amount = rent_due(
                start=contract.start_date,
                last_day=contract.last_day,
                rent=contract.rent,
                cycle=contract.billing_cycle,
                period=run.period,
            )
            if amount is not None:
                owed.append(Due(contract.account_id, unit_id, time_zone, amount))
        for due in owed:  # a handful per property: lock each, as a payment does
            await lock_account(session, due.account_id)
        done = (
            await _charged_already(
                session,
                min(d.account_id for d in owed),
                max(d.account_id for d in owed),
                ChargeKind.rent,
                run.period,
            )
            if owed
            else set()
        )
        dues = [d for d in owed if d.account_id not in done]
    await _raise(session, run, ChargeKind.rent, dues, t)
    run.rent_count += len(dues)
    run.rent_total = money(run.rent_total + sum((d.amount for d in dues), ZERO))


async def _finish(session: AsyncSession, run: BillingRun) -> None:
    """The totals from the charges themselves, and the one summary event."""
    rows = (
        await session.execute(
            select(Charge.kind, func.count(), func.coalesce(func.sum(Charge.amount), 0))
            .where(Charge.billing_run_id == run.id)
            .group_by(Charge.kind)
        )
    ).all()
    by_kind = {kind: (count, money(Decimal(str(total)))) for kind, count, total in rows}
    run.management_fee_count, run.management_fee_total = by_kind.get(
        ChargeKind.management_fee.value, (0, ZERO)
    )
    run.rent_count, run.rent_total = by_kind.get(ChargeKind.rent.value, (0, ZERO))
    run.total = money(run.management_fee_total + run.rent_total)
    run.status = RunStatus.completed.value
    run.phase = RunPhase.done.value
    run.completed_at = utcnow()
    emit(
        session,
        BillingRunCompleted(
            run_id=run.id,
            property_id=run.property_id,
            period=run.period,
            due_date=run.due_date,
            management_fee_count=run.management_fee_count,
            management_fee_total=run.management_fee_total,
            rent_count=run.rent_count,
            rent_total=run.rent_total,
            total=run.total,
            units_skipped=run.units_skipped,
            completed_at=run.completed_at,
        ),
        subject=run.id,
    )


async def step(
    session: AsyncSession, run_id: str, *, chunk: int = CHUNK, timings: Timings | None = None
) -> bool:
    """Move the run on by one transaction's worth (a chunk of units, the rents, or the totals)
    and commit. Returns False when the run is complete (or unknown)."""
    t = timings or Timings.new()
    run = await _lock_run(session, run_id)
    if run is None or run.status == RunStatus.completed:
        await session.rollback()
        return False
    if run.phase == RunPhase.management:
        if await _management_chunk(session, run, chunk, t) < chunk:
            run.phase = RunPhase.rent.value
    elif run.phase == RunPhase.rent:
        await _rents(session, run, t)
        run.phase = RunPhase.totals.value
    else:
        with t.phase("totals and event"):
            await _finish(session, run)
    with t.phase("commit"):
        await session.commit()
    return True


async def process(
    db: Database, run_id: str, *, chunk: int = CHUNK, timings: Timings | None = None
) -> None:
    """Run the run to its end, one transaction per step."""
    while True:
        async with db.sessions() as session:
            if not await step(session, run_id, chunk=chunk, timings=timings):
                return


_WORKERS: set[asyncio.Task[None]] = set()


def start_worker(db: Database, run_id: str, *, chunk: int = CHUNK) -> None:
    """Run the run in a task of the service's own (not the request's: the answer does not wait
    for it, and a client hanging up does not cancel it). If the process stops first, the
    ``billing-runs`` job resumes the run."""

    async def work() -> None:
        try:
            await process(db, run_id, chunk=chunk)
        except Exception:
            log.exception("billing_run_failed", run_id=run_id)

    task = asyncio.get_running_loop().create_task(work(), name=f"billing-run-{run_id}")
    _WORKERS.add(task)
    task.add_done_callback(_WORKERS.discard)


async def stalled_runs(session: AsyncSession, older_than: datetime) -> list[str]:
    """Runs still running that no worker has moved since ``older_than``."""
    rows = await session.scalars(
        select(BillingRun.id)
        .where(BillingRun.status == RunStatus.running.value, BillingRun.heartbeat_at < older_than)
        .order_by(BillingRun.started_at)
    )
    return list(rows.all())
