"""Short references a resident or a department can read over the phone: ``C-2026-00042``.

One counter per (prefix, property, year), in a small table every service database holds (it is
part of the shared messaging history, applied in every service). A number is taken by one
statement in the creating transaction::

    INSERT INTO reference_counters (prefix, property_id, year, value) VALUES (..., 1)
    ON CONFLICT (prefix, property_id, year) DO UPDATE SET value = reference_counters.value + 1
    RETURNING value

so numbers are sequential without gaps: the statement locks the counter row (PostgreSQL) or
takes the database's write lock (SQLite) until the creating transaction ends, concurrent
creations wait their turn, and a creation that rolls back rolls its number back with it.
The year is the calendar year in the property's time zone (``propops.timezones``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Integer, String, column, delete, select, update
from sqlalchemy import table as sa_table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from propops.db import utcnow
from propops.messaging.models import MessagingBase
from propops.timezones import DEFAULT_TIME_ZONE, is_valid_time_zone, local_date

DIGITS = 5


class ReferenceCounter(MessagingBase):
    """The last number given for one prefix, property and year."""

    __tablename__ = "reference_counters"

    prefix: Mapped[str] = mapped_column(String(8), primary_key=True)
    property_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False)


def format_reference(prefix: str, year: int, number: int) -> str:
    """``("C", 2026, 42)`` -> ``C-2026-00042`` (more digits once past 99999)."""
    return f"{prefix}-{year}-{number:0{DIGITS}d}"


async def next_number(session: AsyncSession, prefix: str, property_id: str, year: int) -> int:
    """The next number of the counter, taken in the caller's transaction."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = ReferenceCounter.__table__
    stmt = (
        insert(table)
        .values(prefix=prefix, property_id=property_id, year=year, value=1)
        .on_conflict_do_update(
            index_elements=["prefix", "property_id", "year"],
            set_={"value": table.c.value + 1},
        )
        .returning(table.c.value)
    )
    return int((await session.execute(stmt)).scalar_one())


async def next_reference(
    session: AsyncSession,
    prefix: str,
    property_id: str,
    *,
    time_zone: str,
    at: datetime | None = None,
) -> str:
    """The next reference of ``prefix`` for the property, e.g. ``C-2026-00042``; the year is
    that of ``at`` (default now) in the property's time zone."""
    year = local_date(at or utcnow(), time_zone).year
    return format_reference(prefix, year, await next_number(session, prefix, property_id, year))


def backfill_references(
    conn: Connection, table: str, rows: Sequence[Sequence[Any]], *, column_name: str = "reference"
) -> int:
    """For a migration: give references to records made before references existed.

    ``rows`` are ``(id, prefix, property_id, created_at, time_zone)`` oldest first; each gets
    the next number of its counter (the year of its creation in its zone), written to
    ``table.<column_name>``; the counters end at the last number given. Returns how many."""
    counters: dict[tuple[str, str, int], int] = {}
    records = sa_table(table, column("id"), column(column_name))
    for record_id, prefix, property_id, created_at, time_zone in rows:
        at = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
        zone_name = time_zone if time_zone and is_valid_time_zone(time_zone) else DEFAULT_TIME_ZONE
        key = (prefix, property_id, local_date(at, zone_name).year)
        if key not in counters:
            counters[key] = int(
                conn.execute(
                    select(ReferenceCounter.value).where(
                        ReferenceCounter.prefix == key[0],
                        ReferenceCounter.property_id == key[1],
                        ReferenceCounter.year == key[2],
                    )
                ).scalar()
                or 0
            )
        counters[key] += 1
        conn.execute(
            update(records)
            .where(records.c.id == record_id)
            .values({column_name: format_reference(key[0], key[2], counters[key])})
        )
    counter_table = ReferenceCounter.__table__
    for (prefix, property_id, year), value in counters.items():
        conn.execute(
            delete(counter_table).where(
                counter_table.c.prefix == prefix,
                counter_table.c.property_id == property_id,
                counter_table.c.year == year,
            )
        )
        conn.execute(
            counter_table.insert().values(
                prefix=prefix, property_id=property_id, year=year, value=value
            )
        )
    return len(rows)
