"""The rent a lease owes for a billing period (YYYY-MM): a plain function of its terms.

- ``monthly``: ``rent`` is a month's rent, charged in every month from the start month to the
  month of the last day (the end date, or the termination day if earlier). A month the lease
  covers only in part is prorated by days: ``rent x days covered / days in that month``.
- ``quarterly``: ``rent`` is a quarter's rent, charged in the start month and every third month
  after it; each charge covers that month and the two after. A quarter the lease covers only in
  part is prorated by days: ``rent x days covered / days in those three months``.
- ``once``: the whole ``rent``, charged once in the start month.

Every prorated amount is rounded half-up to the cent. Nothing is charged for a period wholly
after the last day or before the start.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date
from decimal import Decimal

from propops.money import money

MONTHLY, QUARTERLY, ONCE = "monthly", "quarterly", "once"
CYCLES = (MONTHLY, QUARTERLY, ONCE)


def period_bounds(period: str, months: int = 1) -> tuple[date, date]:
    """The first and last day of ``months`` calendar months from the period ``YYYY-MM``."""
    year, month = (int(x) for x in period.split("-"))
    first = date(year, month, 1)
    end_index = year * 12 + month - 1 + months - 1
    end_year, end_month = divmod(end_index, 12)
    last = date(end_year, end_month + 1, monthrange(end_year, end_month + 1)[1])
    return first, last


def _months_between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def _prorated(rent: Decimal, start: date, last_day: date, first: date, last: date) -> Decimal:
    covered_from, covered_to = max(start, first), min(last_day, last)
    covered = (covered_to - covered_from).days + 1
    span = (last - first).days + 1
    if covered >= span:
        return money(rent)
    return money(rent * covered / span)


def rent_due(
    *, start: date, last_day: date, rent: Decimal, cycle: str, period: str
) -> Decimal | None:
    """The rent charged for ``period`` (see the module's rule), or None if nothing is."""
    first, _ = period_bounds(period)
    if last_day < start or last_day < first:
        return None
    offset = _months_between(start.replace(day=1), first)
    if offset < 0:
        return None
    if cycle == ONCE:
        return money(rent) if offset == 0 else None
    months = 3 if cycle == QUARTERLY else 1
    if offset % months:
        return None
    span_first, span_last = period_bounds(period, months)
    amount = _prorated(rent, start, last_day, span_first, span_last)
    return amount if amount > 0 else None
