"""Recurrence rules (RFC 5545 ``RRULE`` text, evaluated with python-dateutil's ``rrulestr``):
security patrols, cleaning schedules and maintenance plans.

``Rule`` is the pydantic type of a rule field: ``FREQ=MONTHLY;BYMONTHDAY=1`` (an ``RRULE:``
prefix and lower case are accepted; the value is kept normalized). A bad rule is a 422 naming
the field. ``occurrences(rule, dtstart, start, end, tz)`` gives the occurrences in a window.

Time zones: a rule is evaluated in local wall time in the property's zone
(``propops.timezones``): "every day at 09:00" stays 09:00 across a daylight-saving change. A
naive ``dtstart`` is local wall time there; an aware one is converted to it. ``start``/``end``
are instants (naive ones are read as UTC). An ``UNTIL`` ending in ``Z`` is an instant, one
without is local wall time. A wall time that does not exist on a spring-forward day is taken
with the offset before the change (``zoneinfo``'s ``fold=0``).

What is refused, and why (a rule is stored and evaluated again and again by jobs, so it must
always finish quickly and mean something):
- A rule need not end: rules without ``COUNT``/``UNTIL`` are the normal case (a plan runs until
  it is stopped), because ``occurrences`` always works in a bounded window. ``COUNT`` and
  ``UNTIL`` together are refused (RFC 5545 forbids it).
- ``FREQ`` must be ``HOURLY``, ``DAILY``, ``WEEKLY``, ``MONTHLY`` or ``YEARLY``; ``BYSECOND``
  and ``BYEASTER`` are refused. Nothing the office does recurs by the minute or second: a round
  every half hour is ``FREQ=HOURLY;BYMINUTE=0,30``.
- A rule that never occurs, or less than once in ``HORIZON_YEARS`` (``FREQ=YEARLY;BYMONTH=2;
  BYMONTHDAY=30``), is refused: evaluating such a rule would scan the calendar to year 9999.
- ``INTERVAL`` > 1 only with the parts every period of that frequency can meet (so whether a
  rule ever occurs cannot depend on its start): ``DAILY``/``HOURLY`` with ``BYHOUR``/
  ``BYMINUTE``; ``WEEKLY`` also with ``BYDAY`` (plain weekdays); ``MONTHLY`` also with
  ``BYMONTHDAY`` 1..28 or -28..-1 and ``BYDAY`` (plain, or 1..4 and -1); ``YEARLY`` also with
  ``BYMONTH`` and those. Every other week on Monday is ``FREQ=WEEKLY;INTERVAL=2;BYDAY=MO``;
  quarterly on the 1st is ``FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1``.

Checks a record makes with what it knows besides the rule: ``check_start`` (the rule occurs
from the record's start) and ``check_once_a_day`` (for records keyed one per local date).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from dateutil.rrule import rrule, rrulestr
from pydantic import AfterValidator, Field

from propops.timezones import zone

MAX_LENGTH = 500
MAX_COUNT = 10_000
HORIZON_YEARS = 10
FREQS = ("HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
KNOWN = frozenset(
    {
        "FREQ",
        "INTERVAL",
        "COUNT",
        "UNTIL",
        "WKST",
        "BYSETPOS",
        "BYMONTH",
        "BYWEEKNO",
        "BYYEARDAY",
        "BYMONTHDAY",
        "BYDAY",
        "BYHOUR",
        "BYMINUTE",
    }
)
# with INTERVAL > 1: the parts each frequency's every period can meet
_WITH_INTERVAL = {
    "HOURLY": {"BYHOUR", "BYMINUTE"},
    "DAILY": {"BYHOUR", "BYMINUTE"},
    "WEEKLY": {"BYHOUR", "BYMINUTE", "BYDAY", "WKST"},
    "MONTHLY": {"BYHOUR", "BYMINUTE", "BYDAY", "BYMONTHDAY"},
    "YEARLY": {"BYHOUR", "BYMINUTE", "BYDAY", "BYMONTHDAY", "BYMONTH"},
}
_PERIOD = {"HOURLY": timedelta(hours=1), "DAILY": timedelta(days=1), "WEEKLY": timedelta(days=7)}
_PLAIN_DAY = re.compile(r"(MO|TU|WE|TH|FR|SA|SU)")
_MONTH_DAY = re.compile(r"([+-]?[1-4])?(MO|TU|WE|TH|FR|SA|SU)")
_REFERENCE_YEAR = 9988  # HORIZON_YEARS (and a bit) before 9999, and a leap year


@dataclass(frozen=True)
class _Parsed:
    parts: dict[str, str]

    @property
    def freq(self) -> str:
        return self.parts["FREQ"]

    @property
    def interval(self) -> int:
        return int(self.parts.get("INTERVAL", "1"))

    def text(self, *, until: bool = True) -> str:
        return ";".join(f"{k}={v}" for k, v in self.parts.items() if until or k != "UNTIL")


def _split(text: str) -> _Parsed:
    rule = text.strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[len("RRULE:") :]
    rule = rule.upper()
    if not rule:
        raise ValueError("a recurrence rule is required, e.g. FREQ=WEEKLY;BYDAY=MO")
    if any(c in rule for c in "\r\n:") or len(rule) > MAX_LENGTH:
        raise ValueError(f"one RRULE line of at most {MAX_LENGTH} characters, e.g. FREQ=DAILY")
    parts: dict[str, str] = {}
    for piece in rule.split(";"):
        key, sep, value = piece.partition("=")
        if not sep or not value:
            raise ValueError(f"{piece!r} is not NAME=VALUE")
        if key not in KNOWN:
            raise ValueError(f"{key} is not supported (use {', '.join(sorted(KNOWN))})")
        if key in parts:
            raise ValueError(f"{key} is given twice")
        parts[key] = value
    if "FREQ" not in parts:
        raise ValueError("FREQ is required, e.g. FREQ=DAILY")
    return _Parsed({"FREQ": parts.pop("FREQ"), **parts})


_RANGES = {  # a list part's values: from 1 to top, or (signed) from -top to -1 as well
    "BYMONTH": (12, False),
    "BYMONTHDAY": (31, True),
    "BYYEARDAY": (366, True),
    "BYWEEKNO": (53, True),
    "BYSETPOS": (366, True),
    "BYHOUR": (23, False),
    "BYMINUTE": (59, False),
}
_DAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")


def _check_lists(p: _Parsed) -> None:
    for key, (top, signed) in _RANGES.items():
        for value in p.parts[key].split(",") if key in p.parts else ():
            low = 0 if key in ("BYHOUR", "BYMINUTE") else 1
            number = int(value) if re.fullmatch(r"[+-]?\d{1,3}", value) else None
            if number is None or not (low <= abs(number) <= top) or (number < 0 and not signed):
                span = f"{low}..{top}" + (f" or -{top}..-1" if signed else "")
                raise ValueError(f"{key} values must be {span} (got {value!r})")
    top = {"MONTHLY": 5, "YEARLY": 53}.get(p.freq, 0)
    for value in p.parts["BYDAY"].split(",") if "BYDAY" in p.parts else ():
        match = _DAY.fullmatch(value)
        if match is None or (match[1] and not 1 <= abs(int(match[1])) <= top):
            where = f"-{top}..{top} (not 0)" if top else "not allowed with FREQ=" + p.freq
            raise ValueError(f"BYDAY {value!r}: a weekday (MO..SU); an ordinal is {where}")


def _check_parts(p: _Parsed) -> None:
    if p.freq not in FREQS:
        raise ValueError(f"FREQ must be one of {', '.join(FREQS)}")
    _check_lists(p)
    if "COUNT" in p.parts and "UNTIL" in p.parts:
        raise ValueError("COUNT and UNTIL cannot both be given")
    for key, top in (("INTERVAL", 1000), ("COUNT", MAX_COUNT)):
        value = p.parts.get(key)
        if value is not None and not (value.isdigit() and 1 <= int(value) <= top):
            raise ValueError(f"{key} must be a whole number from 1 to {top}")
    if p.interval > 1:
        extra = set(p.parts) - {"FREQ", "INTERVAL", "COUNT", "UNTIL"} - _WITH_INTERVAL[p.freq]
        if extra:
            raise ValueError(
                f"INTERVAL with FREQ={p.freq} cannot be combined with {', '.join(sorted(extra))}"
            )
        for day in p.parts.get("BYMONTHDAY", "").split(",") if "BYMONTHDAY" in p.parts else ():
            if not re.fullmatch(r"-?([1-9]|1\d|2[0-8])", day):
                raise ValueError("with INTERVAL, BYMONTHDAY must be 1..28 or -28..-1")
        days = p.parts.get("BYDAY")
        if days is not None:
            pattern = _PLAIN_DAY if p.freq == "WEEKLY" else _MONTH_DAY
            if not all(
                pattern.fullmatch(d) and not d.startswith(("-2", "-3", "-4"))
                for d in days.split(",")
            ):
                raise ValueError("with INTERVAL, BYDAY must be weekdays (or 1MO..4MO, -1MO)")


def _build(p: _Parsed, dtstart: datetime, until: datetime | None = None) -> rrule:
    """The dateutil rule from a naive local ``dtstart`` (``until``: naive local, if any)."""
    rule = rrulestr(p.text(until=False), dtstart=dtstart)
    if not isinstance(rule, rrule):  # pragma: no cover - one RRULE line is always an rrule
        raise ValueError("one RRULE line is expected")
    return rule.replace(until=until) if until is not None else rule


def _until(p: _Parsed, tz: str | None) -> datetime | None:
    """``UNTIL`` as naive local wall time (``Z``: an instant, converted to ``tz``)."""
    value = p.parts.get("UNTIL")
    if value is None:
        return None
    match = re.fullmatch(r"(\d{8})(?:T(\d{6})(Z)?)?", value)
    if match is None:
        raise ValueError("UNTIL must be a date (20261231) or a date-time (20261231T235959Z)")
    day, clock, utc = match.groups()
    try:
        at = datetime.strptime(day + (clock or "235959"), "%Y%m%d%H%M%S")
    except ValueError as exc:
        raise ValueError(f"UNTIL {value} is not a real date") from exc
    if utc and tz is not None:
        return at.replace(tzinfo=UTC).astimezone(zone(tz)).replace(tzinfo=None)
    return at


def _occurs(p: _Parsed, local_start: datetime) -> bool:
    """Whether the rule occurs at all from this start (its month, day and time of day; the
    year does not matter for the rules ``_check_parts`` lets through). Evaluated from the same
    date HORIZON_YEARS before the end of dateutil's calendar, where a rule that never occurs
    gives up quickly instead of scanning to year 9999."""
    moved = local_start.replace(year=_REFERENCE_YEAR)  # a leap year: 29 February stays
    return next(iter(_build(p, moved)), None) is not None


def _parse(text: Any) -> _Parsed:
    if not isinstance(text, str):
        raise ValueError("a recurrence rule is text, e.g. FREQ=DAILY")
    p = _split(text)
    _check_parts(p)
    _until(p, None)
    try:
        occurs = _occurs(p, datetime(_REFERENCE_YEAR, 1, 1))
    except (ValueError, IndexError, TypeError, OverflowError) as exc:
        raise ValueError(f"not a valid recurrence rule: {exc}") from exc
    if not occurs:
        raise ValueError(f"the rule never occurs (or less than once in {HORIZON_YEARS} years)")
    return p


def validate_rule(text: Any) -> str:
    """The rule, normalized (``FREQ`` first, upper case), or ``ValueError`` saying what is
    wrong (pydantic makes it a 422 naming the field)."""
    return _parse(text).text()


def check_start(rule: str, dtstart: datetime, tz: str) -> None:
    """``ValueError`` if the rule never occurs from ``dtstart``: the parts a rule leaves out
    come from its start (``FREQ=MONTHLY;BYMONTH=2`` from 31 January is never). For a record's
    validator that knows both."""
    if not _occurs(_parse(rule), _local(dtstart, tz)):
        raise ValueError("the rule never occurs from this start")


def check_once_a_day(rule: str) -> None:
    """``ValueError`` if the rule can occur more than once on a day: ``FREQ=HOURLY``, or several
    ``BYHOUR`` or ``BYMINUTE`` values. For records keyed one per local date (a cleaning
    schedule's task, a maintenance plan's work order): a second occurrence that day would merge
    into the first."""
    p = _parse(rule)
    several = [k for k in ("BYHOUR", "BYMINUTE") if "," in p.parts.get(k, "")]
    if p.freq == "HOURLY" or several:
        raise ValueError(
            "the rule must occur at most once a day (no FREQ=HOURLY, one BYHOUR and one "
            "BYMINUTE value at most)"
        )


Rule = Annotated[
    str,
    AfterValidator(validate_rule),
    Field(
        max_length=MAX_LENGTH + len("RRULE:"),
        description="an RFC 5545 recurrence rule, e.g. FREQ=MONTHLY;BYMONTHDAY=1 "
        "(no minutes or seconds frequencies; see propops.recurrence)",
        examples=["FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1"],
    ),
]


def _local(at: datetime, tz: str) -> datetime:
    """Naive local wall time in ``tz`` (a naive ``at`` is already local)."""
    return at if at.tzinfo is None else at.astimezone(zone(tz)).replace(tzinfo=None)


def _instant(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


def occurrences(
    rule: str, dtstart: datetime, start: datetime, end: datetime, tz: str
) -> list[datetime]:
    """The occurrences of ``rule`` from ``dtstart`` with ``start <= occurrence < end``, as
    aware datetimes in ``tz``, oldest first. ``ValueError`` for a bad rule, or one that never
    occurs from ``dtstart`` (see ``check_start``)."""
    p = _parse(rule)
    local_start = _local(dtstart, tz)
    if not _occurs(p, local_start):
        raise ValueError("the rule never occurs from this start")
    window_start, window_end = _instant(start), _instant(end)
    if window_end <= window_start:
        return []
    first = _local(window_start, tz) - timedelta(days=2)  # wall time, with room for offsets
    step = _PERIOD.get(p.freq)
    if step is not None and "COUNT" not in p.parts and local_start < first:
        # skip whole periods of the interval up to the window: the same occurrences, found
        # without walking years of an hourly rule (time and weekday defaults stay dtstart's)
        stride = step * p.interval
        local_start += stride * ((first - local_start) // stride)
    place = zone(tz)
    found: list[datetime] = []
    for wall in _build(p, local_start, _until(p, tz)):
        at = wall.replace(tzinfo=place)
        if at >= window_end:
            break
        if at >= window_start:
            found.append(at)
    return found
