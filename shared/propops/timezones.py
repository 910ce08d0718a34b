"""Time zones: times stay UTC in the API and the databases; each property has an IANA time
zone (default: the ``PROPOPS_DEFAULT_TIME_ZONE`` setting, ``Asia/Hong_Kong``) that decides
what "today" is there: reference years, due dates and the overdue sweeps."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from propops.db import utcnow

DEFAULT_TIME_ZONE = "Asia/Hong_Kong"  # the default of the ``default_time_zone`` setting


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def is_valid_time_zone(name: str) -> bool:
    """An IANA zone name the system knows, e.g. ``Asia/Hong_Kong`` (not ``HKT``, not ``+08``)."""
    if not name or name != name.strip() or name.startswith("/") or ".." in name:
        return False
    try:
        zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def validate_time_zone(name: str) -> str:
    """For pydantic validators: the name if valid, else ``ValueError`` saying what is wanted."""
    if not is_valid_time_zone(name):
        raise ValueError(f"{name!r} is not an IANA time zone (e.g. 'Asia/Hong_Kong')")
    return name


def local_date(at: datetime, time_zone: str) -> date:
    """The calendar day of the UTC instant ``at`` in ``time_zone``."""
    return at.astimezone(zone(time_zone)).date()


def today_in(time_zone: str, now: datetime | None = None) -> date:
    """ "Today" in a property's time zone."""
    return local_date(now or utcnow(), time_zone)


@lru_cache(maxsize=1)
def _all_zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def zones_by_today(now: datetime | None = None) -> dict[date, list[str]]:
    """Every IANA zone grouped by what day it is there now (two or three groups): for a query
    that needs "today where the record is" without knowing which zones are in use."""
    now = now or utcnow()
    groups: dict[date, list[str]] = {}
    for name in _all_zones():
        groups.setdefault(local_date(now, name), []).append(name)
    return groups


def day_window(day: date, time_zone: str) -> tuple[datetime, datetime]:
    """The UTC instants a local calendar day in ``time_zone`` starts at and ends before (its
    midnight and the next one: 23 or 25 hours on a daylight-saving change)."""
    tz = zone(time_zone)
    since = datetime.combine(day, time.min, tzinfo=tz)
    until = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return since.astimezone(UTC), until.astimezone(UTC)
