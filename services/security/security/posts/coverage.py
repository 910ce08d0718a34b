"""Coverage of a post on one day: which stretches of its hours the roster staffs, and which
it leaves open. Pure functions (no database), tested on their own.

Choices:
- A post's hours are local times in the property's time zone. An opening whose ``to`` is at or
  before its ``from`` ends the next day (``22:00-06:00`` is a night post); ``from == to`` is
  round the clock (24 hours from ``from``). The day's coverage is that of the openings that
  *start* on that day, so a night is reported once, on the day it starts (as a roster is).
- Overlapping openings are merged. Within them every shift boundary splits a stretch; stretches
  next to each other with the same guards are joined (adjacent shifts of the same guard make
  one stretch, a hand-over to another guard starts a new one).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

from propops.timezones import zone


@dataclass(frozen=True)
class Opening:
    start: datetime  # UTC
    end: datetime  # UTC


@dataclass(frozen=True)
class OnDuty:
    guard: str
    start: datetime  # UTC
    end: datetime  # UTC


@dataclass(frozen=True)
class Stretch:
    start: datetime
    end: datetime
    guards: tuple[str, ...]  # sorted; empty: unstaffed

    @property
    def staffed(self) -> bool:
        return bool(self.guards)

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


def openings(hours: Iterable[tuple[time, time]], day: date, time_zone: str) -> list[Opening]:
    """The post's openings that start on ``day`` (local), in UTC, merged and in order."""
    tz = zone(time_zone)
    spans: list[Opening] = []
    for start_local, end_local in hours:
        start = datetime.combine(day, start_local, tzinfo=tz)
        end_day = day if end_local > start_local else day + timedelta(days=1)
        end = datetime.combine(end_day, end_local, tzinfo=tz)
        spans.append(Opening(start.astimezone(UTC), end.astimezone(UTC)))
    spans.sort(key=lambda o: (o.start, o.end))
    merged: list[Opening] = []
    for span in spans:
        if merged and span.start <= merged[-1].end:
            last = merged.pop()
            merged.append(Opening(last.start, max(last.end, span.end)))
        else:
            merged.append(span)
    return merged


def coverage(windows: Sequence[Opening], shifts: Sequence[OnDuty]) -> list[Stretch]:
    """The staffed and unstaffed stretches of ``windows`` given the ``shifts`` on the roster."""
    stretches: list[Stretch] = []
    for window in windows:
        cuts = {window.start, window.end}
        for shift in shifts:
            for edge in (shift.start, shift.end):
                if window.start < edge < window.end:
                    cuts.add(edge)
        edges = sorted(cuts)
        for a, b in pairwise(edges):
            guards = tuple(sorted({s.guard for s in shifts if s.start < b and s.end > a}))
            last = stretches[-1] if stretches else None
            if last is not None and last.end == a and last.guards == guards:
                stretches[-1] = Stretch(last.start, b, guards)
            else:
                stretches.append(Stretch(a, b, guards))
    return stretches
