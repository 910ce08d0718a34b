"""A reporting period (``from`` / ``to``, whole days, both included), read the same way by the
services' report endpoints and the gateway's views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from fastapi import Query

from propops.errors import Invalid

DEFAULT_DAYS = 30
MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    start: date  # first day included
    end: date  # last day included

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=UTC)

    @property
    def until(self) -> datetime:
        """The first instant after the period."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC)

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def make_period(start: date | None, end: date | None, *, today: date | None = None) -> Period:
    """Default: the last 30 days up to today (UTC). 422 naming the field when it is backwards
    or longer than a year."""
    end = end or today or datetime.now(UTC).date()
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise Invalid("'from' is after 'to'", field="from")
    if (end - start).days + 1 > MAX_DAYS:
        raise Invalid(f"a period is at most {MAX_DAYS} days", field="from")
    return Period(start, end)


def period_params(
    from_: date | None = Query(None, alias="from", description="first day (default: 29 days ago)"),
    to: date | None = Query(None, description="last day, included (default: today, UTC)"),
) -> Period:
    return make_period(from_, to)
