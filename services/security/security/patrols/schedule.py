"""A route's schedule: its RFC 5545 rule (``propops.recurrence``), local wall times in the
route's time zone, counted from the start of the day the route was made."""

from __future__ import annotations

from datetime import UTC, datetime

from propops import recurrence
from propops.timezones import zone


def first_day_start(made: datetime, time_zone: str) -> datetime:
    """The rule's start: midnight (local wall time) of the day the route was made, so a part the
    rule leaves out (the minute of ``FREQ=DAILY;BYHOUR=9``) is 0."""
    local = made.astimezone(zone(time_zone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)


def occurrences(
    rule: str, made: datetime, start: datetime, end: datetime, time_zone: str
) -> list[datetime]:
    """The scheduled starts in ``[start, end)`` (UTC), none before ``made``."""
    found = recurrence.occurrences(
        rule, first_day_start(made, time_zone), max(start, made), end, time_zone
    )
    return [at.astimezone(UTC) for at in found]
