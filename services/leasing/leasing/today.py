"""Conditions on "today" where each record is: a record carries its property's time zone, and a
list filter such as "ending within 30 days" compares its dates with today there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import ColumnElement, and_, or_

from propops.timezones import zones_by_today


def on_local_today(
    time_zone: ColumnElement[str],
    condition: Callable[[date], ColumnElement[bool]],
    today: date | None = None,
) -> ColumnElement[bool]:
    """``condition(today)``, with today in each row's ``time_zone`` (or the ``today`` given)."""
    if today is not None:
        return condition(today)
    return or_(
        *(and_(time_zone.in_(zones), condition(day)) for day, zones in zones_by_today().items())
    )
