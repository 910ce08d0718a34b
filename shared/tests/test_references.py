"""Reference numbers (C-2026-00042): sequential per prefix, property and year, without gaps or
repeats under concurrent creation (SQLite and PostgreSQL), a rolled-back creation's number
given again."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from propops.db import Database
from propops.references import format_reference, next_reference
from propops.timezones import today_in

HK = "Asia/Hong_Kong"


async def take(db: Database, prefix: str, property_id: str, *, keep: bool) -> str | None:
    """One creation: take a number, let the others run, then commit (or roll back)."""
    async with db.sessions() as session:
        reference = await next_reference(session, prefix, property_id, time_zone=HK)
        await asyncio.sleep(0)  # other creations queue up behind our counter row meanwhile
        if not keep:
            await session.rollback()
            return None
        await session.commit()
        return reference


async def test_concurrent_creations_are_numbered_one_to_n_without_gap(db: Database) -> None:
    year = today_in(HK).year
    results = await asyncio.gather(
        *(take(db, "C", "prop-1", keep=i % 4 != 3) for i in range(24)),
        *(take(db, "W", "prop-1", keep=True) for _ in range(6)),
        *(take(db, "C", "prop-2", keep=True) for _ in range(3)),
    )
    complaints = [r for r in results[:24] if r is not None]
    assert len(complaints) == 18
    # the six rolled-back numbers were given again: 1..18, none missing, none twice
    assert sorted(complaints) == [format_reference("C", year, n) for n in range(1, 19)]
    # another prefix and another property count on their own
    assert sorted(results[24:30]) == [format_reference("W", year, n) for n in range(1, 7)]
    assert sorted(results[30:]) == [format_reference("C", year, n) for n in range(1, 4)]


async def test_the_year_is_the_propertys_and_each_year_starts_at_one(db: Database) -> None:
    new_year_in_hk = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # 00:30 on 1 Jan 2027 there
    async with db.sessions() as session:
        last_of_2026 = await next_reference(
            session, "C", "p", time_zone="Europe/London", at=new_year_in_hk
        )
        first_of_2027 = await next_reference(session, "C", "p", time_zone=HK, at=new_year_in_hk)
        second_of_2027 = await next_reference(session, "C", "p", time_zone=HK, at=new_year_in_hk)
        await session.commit()
    assert last_of_2026 == "C-2026-00001"
    assert (first_of_2027, second_of_2027) == ("C-2027-00001", "C-2027-00002")
