"""Many rows into one table with one prepared statement (the driver's ``executemany``).

SQLAlchemy's ``insert(table)`` with a list of dicts converts every value of every row through
its column type; for a billing run's 100,000 charges most columns are the same in every row.
``insert_many`` converts the constant columns once and the varying ones per row with the same
type converters SQLAlchemy would use, then hands plain tuples to the driver.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession


def new_ids(n: int) -> list[str]:
    """``n`` random (version 4) UUIDs as text, as ``propops.db.new_id`` makes them, without
    building a ``uuid.UUID`` for each."""
    raw = os.urandom(16 * n).hex()
    ids = []
    for i in range(0, 32 * n, 32):
        h = raw[i : i + 32]
        variant = "89ab"[int(h[16], 16) & 3]
        ids.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}")
    return ids


def _placeholders(paramstyle: str, n: int) -> list[str]:
    if paramstyle == "qmark":
        return ["?"] * n
    if paramstyle in ("numeric_dollar",):
        return [f"${i + 1}" for i in range(n)]
    if paramstyle in ("format", "pyformat"):
        return ["%s"] * n
    raise RuntimeError(f"no bulk insert for a database driver with paramstyle {paramstyle!r}")


async def insert_many(
    session: AsyncSession,
    table: Table,
    varying: Sequence[str],
    rows: Sequence[Sequence[Any]],
    constants: Mapping[str, Any],
) -> None:
    """Insert ``rows`` (tuples of the ``varying`` columns) with ``constants`` in every row."""
    if not rows:
        return
    conn = await session.connection()
    dialect = conn.dialect
    columns = [*varying, *constants]
    fixed = []
    for name, value in constants.items():
        convert = table.c[name].type._cached_bind_processor(dialect)
        fixed.append(convert(value) if convert is not None and value is not None else value)
    converters = [table.c[name].type._cached_bind_processor(dialect) for name in varying]
    tail = tuple(fixed)
    if any(c is not None for c in converters):
        prepared = [
            tuple(
                c(v) if c is not None and v is not None else v
                for c, v in zip(converters, row, strict=True)
            )
            + tail
            for row in rows
        ]
    else:
        prepared = [tuple(row) + tail for row in rows]
    preparer = dialect.identifier_preparer
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        preparer.format_table(table),
        ", ".join(preparer.quote(c) for c in columns),
        ", ".join(_placeholders(dialect.paramstyle, len(columns))),
    )
    await conn.exec_driver_sql(sql, prepared)
