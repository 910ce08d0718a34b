"""Recurrence rules (``propops.recurrence``): windows in a property's zone, and bad rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel

from propops.errors import install_problem_handlers
from propops.recurrence import Rule, check_once_a_day, check_start, occurrences, validate_rule

HK = "Asia/Hong_Kong"
LONDON = "Europe/London"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_monthly_window_in_hong_kong_local_days() -> None:
    # the 1st at 00:00 Hong Kong time is 16:00 UTC the day before: 1 November is before the
    # window's start, 1 February inside its end
    found = occurrences(
        "FREQ=MONTHLY;BYMONTHDAY=1", datetime(2026, 1, 1), utc(2026, 11, 1), utc(2027, 2, 1), HK
    )
    assert [o.date().isoformat() for o in found] == ["2026-12-01", "2027-01-01", "2027-02-01"]
    assert found[0].astimezone(UTC) == utc(2026, 11, 30, 16)
    # start inclusive, end exclusive (as instants)
    again = occurrences("FREQ=MONTHLY;BYMONTHDAY=1", datetime(2026, 1, 1), found[0], found[1], HK)
    assert again == [found[0]]


def test_hong_kong_has_no_daylight_saving_every_day_is_eight_hours_ahead() -> None:
    found = occurrences(
        "FREQ=DAILY;BYHOUR=9;BYMINUTE=0",
        datetime(2026, 1, 1),
        utc(2026, 3, 1),
        utc(2026, 12, 1),
        HK,
    )
    assert len(found) == (datetime(2026, 12, 1) - datetime(2026, 3, 1)).days
    assert {o.astimezone(UTC).hour for o in found} == {1}  # 09:00 HKT is 01:00 UTC all year


def test_wall_time_stays_across_a_daylight_saving_change() -> None:
    found = occurrences(
        "FREQ=DAILY", datetime(2026, 3, 27, 9), utc(2026, 3, 27), utc(2026, 3, 31), LONDON
    )
    assert [o.hour for o in found] == [9, 9, 9, 9]
    assert [o.astimezone(UTC).hour for o in found] == [9, 9, 8, 8]  # BST from 29 March


def test_a_start_years_back_and_an_aware_start() -> None:
    found = occurrences(
        "FREQ=HOURLY;BYMINUTE=0,30",
        datetime(2001, 5, 5, 7, 30),
        utc(2026, 11, 27, 0),
        utc(2026, 11, 27, 2),
        HK,
    )
    assert [o.astimezone(UTC) for o in found] == [
        utc(2026, 11, 27, 0),
        utc(2026, 11, 27, 0, 30),
        utc(2026, 11, 27, 1),
        utc(2026, 11, 27, 1, 30),
    ]
    weekly = "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"
    aware = occurrences(weekly, utc(2026, 11, 1, 16), utc(2026, 11, 1), utc(2026, 12, 1), HK)
    # 2 November (a Monday) HK, then every other Monday
    assert [o.date().isoformat() for o in aware] == ["2026-11-02", "2026-11-16", "2026-11-30"]


def test_count_and_until_end_a_rule() -> None:
    start = datetime(2026, 11, 1, 10)
    wide = (utc(2026, 1, 1), utc(2028, 1, 1))
    assert len(occurrences("FREQ=WEEKLY;COUNT=3", start, *wide, HK)) == 3
    # UNTIL without Z is local wall time; with Z an instant (10:00 HKT on 3 Nov is 02:00Z)
    assert len(occurrences("FREQ=DAILY;UNTIL=20261103T100000", start, *wide, HK)) == 3
    assert len(occurrences("FREQ=DAILY;UNTIL=20261103T015959Z", start, *wide, HK)) == 2
    assert occurrences("FREQ=DAILY", start, utc(2026, 12, 1), utc(2026, 12, 1), HK) == []


@pytest.mark.parametrize(
    ("rule", "normal"),
    [
        ("rrule:freq=weekly;byday=mo,th", "FREQ=WEEKLY;BYDAY=MO,TH"),
        ("INTERVAL=3;FREQ=MONTHLY;BYMONTHDAY=1", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"),
    ],
)
def test_good_rules_are_normalized(rule: str, normal: str) -> None:
    assert validate_rule(rule) == normal


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ("", "required"),
        ("FREQ=MINUTELY", "FREQ must be one of"),
        ("FREQ=DAILY;BYSECOND=5", "BYSECOND is not supported"),
        ("FREQ=DAILY;COUNT=2;UNTIL=20261203", "COUNT and UNTIL"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never occurs"),
        ("FREQ=HOURLY;BYMONTH=4;BYMONTHDAY=31", "never occurs"),
        ("FREQ=DAILY;INTERVAL=7;BYDAY=MO", "cannot be combined with BYDAY"),
        ("FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=30", "BYMONTHDAY must be 1..28"),
        ("FREQ=DAILY;BYDAY=XX", "BYDAY"),
        ("FREQ=YEARLY;BYDAY=60MO", "ordinal is -53..53"),
        ("FREQ=DAILY;BYHOUR=24", "BYHOUR values must be 0..23"),
        ("FREQ=DAILY;UNTIL=20261332", "not a real date"),
        ("DTSTART:20260101T000000\nRRULE:FREQ=DAILY", "one RRULE line"),
    ],
)
def test_bad_rules_say_what_is_wrong(rule: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        validate_rule(rule)


def test_a_rule_that_never_occurs_from_its_start() -> None:
    # the day of month comes from the start: 31 February never comes
    with pytest.raises(ValueError, match="never occurs from this start"):
        check_start("FREQ=YEARLY;BYMONTH=2", datetime(2026, 1, 31), HK)
    with pytest.raises(ValueError, match="never occurs from this start"):
        occurrences(
            "FREQ=YEARLY;BYMONTH=2",
            datetime(2026, 1, 31),
            utc(2026, 1, 1),
            utc(2026, 1, 1) + timedelta(days=400),
            HK,
        )
    check_start("FREQ=YEARLY;BYMONTH=2", datetime(2026, 1, 28), HK)


@pytest.mark.parametrize(
    "rule", ["FREQ=HOURLY", "FREQ=DAILY;BYHOUR=9,21", "FREQ=WEEKLY;BYDAY=MO;BYMINUTE=0,30"]
)
def test_a_rule_that_occurs_twice_a_day_is_not_once_a_day(rule: str) -> None:
    with pytest.raises(ValueError, match="at most once a day"):
        check_once_a_day(rule)


def test_once_a_day_rules() -> None:
    for rule in ("FREQ=DAILY;BYHOUR=9;BYMINUTE=30", "FREQ=WEEKLY;BYDAY=MO,TH", "freq=monthly"):
        check_once_a_day(rule)


class Plan(BaseModel):
    rrule: Rule


async def test_a_bad_rule_in_a_request_is_a_422_naming_the_field() -> None:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/plans")
    def make(plan: Plan) -> dict[str, str]:
        return {"rrule": plan.rrule}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        r = await client.post("/plans", json={"rrule": "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"})
        assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
        assert r.json()["field"] == "rrule" and "never occurs" in r.json()["detail"]
        assert (await client.post("/plans", json={"rrule": "x" * 600})).json()["field"] == "rrule"
        r = await client.post("/plans", json={"rrule": "freq=daily"})
    assert r.status_code == 200 and r.json() == {"rrule": "FREQ=DAILY"}
