"""A route's schedule: its RFC 5545 rule, local wall times in the property's time zone, from
the start of the day the route was made.

TEMPORARY: reads the rule with dateutil directly until ``propops.recurrence`` (branch
tasks-kinds) lands on main; then these two functions call it (same signatures).
"""

from __future__ import annotations

from datetime import UTC, datetime

from dateutil.rrule import rrulestr

from propops.timezones import zone


def validate_rule(rule: str) -> str:
    try:
        rrulestr(rule, dtstart=datetime(2026, 1, 1))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not an RFC 5545 recurrence rule: {exc}") from exc
    return rule


def occurrences(
    rule: str, dtstart: datetime, start: datetime, end: datetime, tz: str
) -> list[datetime]:
    place = zone(tz)
    local = dtstart.astimezone(place).replace(tzinfo=None) if dtstart.tzinfo else dtstart
    found: list[datetime] = []
    for wall in rrulestr(rule, dtstart=local):
        at = wall.replace(tzinfo=place)
        if at >= end:
            break
        if at >= start:
            found.append(at.astimezone(UTC))
    return found
