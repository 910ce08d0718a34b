"""Where a greening job should be by now, and whether it is late: plain functions.

A job is expected to progress linearly from 0 % on its start date to 100 % on its expected
finish date, in whole days::

    expected(today) = 0                                       before the start date
                    = floor(100 * (today - start) / (finish - start))   in between
                    = 100                                     on and after the expected finish

A job still in progress whose recorded percentage is below that figure is **late**. The floor
gives a job a day's grace at most (a 10-day job at 45 % on day 4 expects 40 %: on time). A job
whose expected finish is its start date expects 100 % from that day on.

``late_condition`` is the same rule as a condition of a query, in integer arithmetic on day
numbers (``date.toordinal``), so SQLite and PostgreSQL answer alike: for integer ``p``,
``p < floor(x)`` is ``p + 1 <= x``, i.e. ``(p + 1) * (finish - start) <= 100 * (today - start)``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_

ACTIVE = "active"
COMPLETED = "completed"


def expected_progress(start: date, expected_finish: date, today: date) -> int:
    """The percentage a job should have reached by ``today`` (0-100)."""
    if today < start:
        return 0
    if today >= expected_finish:
        return 100
    span = (expected_finish - start).days
    return (100 * (today - start).days) // span


def is_late(status: str, progress: int, start: date, expected_finish: date, today: date) -> bool:
    """A job in progress behind its expected progress."""
    return status == ACTIVE and progress < expected_progress(start, expected_finish, today)


def late_condition(
    status: ColumnElement[str],
    progress: ColumnElement[int],
    start_day: ColumnElement[int],
    finish_day: ColumnElement[int],
    today: date,
) -> ColumnElement[bool]:
    """``is_late`` as a query condition (``start_day`` / ``finish_day``: the dates' ordinals)."""
    day = today.toordinal()
    return and_(
        status == ACTIVE,
        progress < 100,
        day >= start_day,
        (progress + 1) * (finish_day - start_day) <= 100 * (day - start_day),
    )
