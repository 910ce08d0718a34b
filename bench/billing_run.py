"""A monthly billing run over a large estate, on SQLite and on PostgreSQL.

Builds a fresh fees database (the service's migrations), opens ``--units`` unit accounts of one
property (floor areas 35-150 m2) and ``--contracts`` lease contracts (monthly, quarterly, once),
adds a per-m2 fee rate, then times the billing run exactly as the service runs it
(``fees.billing_runs.service.start_run`` + ``process``, chunks of ``--chunk`` accounts, one
transaction each). Afterwards it checks the result: one management fee per unit with an area,
the run's total equal to the sum of its charges, the balances equal to the charges, and a
second request answering the same run with nothing raised.

    .venv/bin/python bench/billing_run.py                       # SQLite, then PostgreSQL
    .venv/bin/python bench/billing_run.py --db sqlite --units 20000
    .venv/bin/python bench/billing_run.py --pg postgresql+asyncpg://postgres@127.0.0.1:5432

Prints the time of each phase and units/s. The aim: 100,000 units in under 15 s on a 2-core
machine.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, insert, select

import fees
from fees.accounts.models import Account
from fees.billing_runs import service as runs
from fees.billing_runs.schemas import BillingRunIn
from fees.charges.models import Charge
from fees.contracts.models import LeaseContract
from fees.rates.models import FeeRate
from propops.auth import Principal
from propops.db import Database, new_id, utcnow
from propops.migrations import upgrade
from propops.testing import servers

PROPERTY = "p-bench"
PERIOD = "2026-12"
ADMIN = Principal(user_id="bench", username="bench", roles=frozenset({"admin"}))


async def seed(db: Database, units: int, contracts: int) -> None:
    rng = random.Random(12)
    now = utcnow()
    rows = [
        {
            "id": new_id(),
            "unit_id": new_id(),
            "holder": "unit",
            "area_m2": Decimal(rng.randint(3500, 15000)) / 100,
            "property_id": PROPERTY,
            "property_code": "BENCH",
            "building": f"T{i % 20 + 1}",
            "unit_number": f"{i // 20 + 1:05d}",
            "time_zone": "Asia/Hong_Kong",
            "balance": Decimal("0.00"),
            "opened_at": now,
            "published_status": "current",
            "published_balance_due": Decimal("0.00"),
            "published_overdue_amount": Decimal("0.00"),
            "created_at": now,
            "updated_at": now,
        }
        for i in range(units)
    ]
    leases, lease_accounts = [], []
    for i in range(contracts):
        account_id, contract_id = new_id(), new_id()
        lease_accounts.append(
            {
                **rows[0],
                "id": account_id,
                "unit_id": contract_id,
                "holder": "contract",
                "area_m2": None,
                "building": f"AD-{i:03d}",
                "unit_number": f"LC-{i:05d}",
            }
        )
        leases.append(
            {
                "id": new_id(),
                "contract_id": contract_id,
                "account_id": account_id,
                "property_id": PROPERTY,
                "reference": f"LC-{i:05d}",
                "space_id": new_id(),
                "space_code": f"AD-{i:03d}",
                "space_kind": "ad_space",
                "counterparty_name": f"Tenant {i}",
                "start_date": date(2026, 1 + i % 12, 1 + i % 28),
                "end_date": date(2027, 12, 31),
                "rent": Decimal(rng.randint(100000, 900000)) / 100,
                "billing_cycle": ("monthly", "quarterly", "once")[i % 3],
                "event_at": now,
                "created_at": now,
                "updated_at": now,
            }
        )
    async with db.sessions() as session:
        for start in range(0, len(rows), 10000):
            await session.execute(insert(Account.__table__), rows[start : start + 10000])
        if leases:
            await session.execute(insert(Account.__table__), lease_accounts)
            await session.execute(insert(LeaseContract.__table__), leases)
        session.add(
            FeeRate(
                property_id=PROPERTY,
                basis="per_m2",
                amount=Decimal("3.45"),
                effective_from=date(2026, 1, 1),
            )
        )
        await session.commit()


async def bench(url: str, units: int, contracts: int, chunk: int) -> dict[str, float]:
    db = Database(url)
    try:
        await upgrade(db.engine, Path(fees.__file__).parent / "migrations", "fees")
        began = time.perf_counter()
        await seed(db, units, contracts)
        seeded = time.perf_counter() - began

        timings = runs.Timings.new()
        began = time.perf_counter()
        with timings.phase("start (rate, count)"):
            async with db.sessions() as session:
                run, created = await runs.start_run(
                    session, BillingRunIn(property_id=PROPERTY, period=PERIOD), ADMIN
                )
        assert created
        await runs.process(db, run.id, chunk=chunk, timings=timings)
        elapsed = time.perf_counter() - began

        async with db.sessions() as session:
            done = await session.get(runs.BillingRun, run.id)
            assert done is not None and done.status == "completed"
            n, total = (
                await session.execute(
                    select(func.count(), func.sum(Charge.amount)).where(
                        Charge.billing_run_id == run.id
                    )
                )
            ).one()
            per_unit = await session.scalar(
                select(func.count(func.distinct(Charge.account_id))).where(
                    Charge.billing_run_id == run.id, Charge.kind == "management_fee"
                )
            )
            balances = await session.scalar(select(func.sum(Account.balance)))
            again, created = await runs.start_run(
                session, BillingRunIn(property_id=PROPERTY, period=PERIOD), ADMIN
            )
        assert not created and again.id == run.id
        assert per_unit == done.management_fee_count == units, (per_unit, units)
        assert n == done.management_fee_count + done.rent_count
        assert abs(Decimal(str(total)) - done.total) < Decimal("0.005")
        assert abs(Decimal(str(balances)) - done.total) < Decimal("0.005")
        print(
            f"  seeded {units:,} accounts + {contracts} leases in {seeded:.1f} s (not timed)\n"
            f"  run: {done.management_fee_count:,} management fees + {done.rent_count} rents, "
            f"total {done.total:,}"
        )
        for name, seconds in timings.seconds.items():
            print(f"    {name:<22} {seconds:6.2f} s")
        print(f"  run total {elapsed:.2f} s = {units / elapsed:,.0f} units/s")
        return {"seconds": elapsed, "units_per_s": units / elapsed}
    finally:
        await db.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--contracts", type=int, default=300)
    parser.add_argument("--chunk", type=int, default=runs.CHUNK)
    parser.add_argument("--db", choices=("sqlite", "pg", "both"), default="both")
    parser.add_argument("--pg", default="postgresql+asyncpg://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    print(
        f"billing run over {args.units:,} units, chunks of {args.chunk:,} "
        f"({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)"
    )
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            print("SQLite")
            await bench(
                f"sqlite+aiosqlite:///{tmp}/fees.db", args.units, args.contracts, args.chunk
            )
    if args.db in ("pg", "both"):
        name = servers.unique("bench_fees_")
        url = await servers.create_database(args.pg, name)
        try:
            print("PostgreSQL")
            await bench(url, args.units, args.contracts, args.chunk)
        finally:
            await servers.drop_database(args.pg, name)


if __name__ == "__main__":
    asyncio.run(main())
