"""A route's schedule: its RFC 5545 rule.

TEMPORARY: reads the rule with dateutil directly until ``propops.recurrence`` (branch
tasks-kinds) lands on main; then this module calls it instead.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dateutil.rrule import rrulestr

from propops.timezones import zone

ANCHOR = datetime(2000, 1, 1)  # local; a fixed start so INTERVAL counts the same every time


def validate_rule(rule: str) -> str:
    try:
        rrulestr(rule, dtstart=ANCHOR)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not an RFC 5545 recurrence rule: {exc}") from exc
    return rule


def occurrences(rule: str, time_zone: str, start: datetime, end: datetime) -> list[datetime]:
    tz = zone(time_zone)
    local_start = start.astimezone(tz).replace(tzinfo=None) - timedelta(hours=3)
    local_end = end.astimezone(tz).replace(tzinfo=None) + timedelta(hours=3)
    found = rrulestr(rule, dtstart=ANCHOR).between(local_start, local_end, inc=True)
    out = [t.replace(tzinfo=tz).astimezone(UTC) for t in found]
    return [t for t in out if start <= t < end]
