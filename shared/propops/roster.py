"""Rosters: people on shifts, one shift at a time (security's guards, the front desk's staff).

- ``take_turns`` writes the person's lock row as the transaction's first write (an upsert: a row
  lock on PostgreSQL, the database's write lock on SQLite, held until the transaction ends), so
  two requests about the same person can never both pass the clash check.
- ``first_overlap`` finds the person's first shift overlapping ``[start, end)``; touching
  shifts (one ends when the next starts) do not overlap.
- ``ShiftTimes``: the input rules of a shift's times, for the services' schemas.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeVar

from pydantic import AwareDatetime, BaseModel, Field, ValidationInfo, field_validator
from sqlalchemy import ColumnElement, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


async def take_turns(session: AsyncSession, lock: type[Any], key: str) -> None:
    """Take ``key``'s row of ``lock`` (a model keyed by one string column, with an integer
    ``changes`` column) until the transaction ends."""
    column = inspect(lock).primary_key[0]
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(lock).values({column.name: key, "changes": 1})
    stmt = stmt.on_conflict_do_update(index_elements=[column], set_={"changes": lock.changes + 1})
    await session.execute(stmt)


async def first_overlap(
    session: AsyncSession,
    model: type[T],
    start: datetime,
    end: datetime,
    *where: ColumnElement[bool],
) -> T | None:
    """The first row of ``model`` (with ``start``, ``end`` and ``id`` columns) matching
    ``where`` and overlapping ``[start, end)``."""
    m: Any = model
    return await session.scalar(
        select(model).where(*where, m.start < end, m.end > start).order_by(m.start, m.id).limit(1)
    )


MAX_SHIFT = timedelta(hours=24)


class ShiftTimes(BaseModel):
    """A shift's ``start`` and ``end``: with a zone, years 1970-2199, ``end`` after ``start``
    and at most 24 hours later (422 naming the field)."""

    start: AwareDatetime = Field(examples=["2026-11-27T00:00:00Z"])
    end: AwareDatetime = Field(examples=["2026-11-27T08:00:00Z"])

    @field_validator("start", "end")
    @classmethod
    def _plausible(cls, value: datetime) -> datetime:
        if not 1970 <= value.year < 2200:
            raise ValueError("must be between 1970 and 2199")
        return value

    @field_validator("end")
    @classmethod
    def _order(cls, end: datetime, info: ValidationInfo) -> datetime:
        start = info.data.get("start")
        if start is not None:
            if end <= start:
                raise ValueError("end must be after start")
            if end - start > MAX_SHIFT:
                raise ValueError("a shift lasts at most 24 hours")
        return end
