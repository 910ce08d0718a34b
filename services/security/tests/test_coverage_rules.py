"""Coverage of a post as plain functions: openings in the property's time zone (night posts,
round the clock, overlapping hours) and the roster's staffed and unstaffed stretches."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from security.posts.coverage import OnDuty, Opening, coverage, openings

HK = "Asia/Hong_Kong"  # UTC+8, no daylight saving
DAY = date(2026, 11, 27)


def hk(day: int, hour: int, minute: int = 0) -> datetime:
    """A Hong Kong local time of November 2026, as UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


def test_openings_are_local_hours_in_utc_and_a_night_ends_the_next_day() -> None:
    day_post = openings([(time(8), time(20))], DAY, HK)
    assert day_post == [Opening(hk(27, 8), hk(27, 20))]
    night = openings([(time(22), time(6))], DAY, HK)
    assert night == [Opening(hk(27, 22), hk(28, 6))]
    assert openings([(time(0), time(0))], DAY, HK) == [Opening(hk(27, 0), hk(28, 0))]


def test_overlapping_and_touching_hours_merge() -> None:
    merged = openings([(time(12), time(18)), (time(8), time(13)), (time(18), time(19))], DAY, HK)
    assert merged == [Opening(hk(27, 8), hk(27, 19))]
    apart = openings([(time(14), time(16)), (time(8), time(12))], DAY, HK)
    assert apart == [Opening(hk(27, 8), hk(27, 12)), Opening(hk(27, 14), hk(27, 16))]


def test_openings_follow_daylight_saving() -> None:
    # London goes back to GMT on 25 Oct 2026: 08:00 local is 07:00 UTC on the 24th, 08:00 UTC
    # on the 26th
    before = openings([(time(8), time(9))], date(2026, 10, 24), "Europe/London")
    after = openings([(time(8), time(9))], date(2026, 10, 26), "Europe/London")
    assert before[0].start.hour == 7 and after[0].start.hour == 8


def test_no_shift_leaves_the_whole_opening_unstaffed() -> None:
    stretches = coverage([Opening(hk(27, 8), hk(27, 20))], [])
    assert [(s.start, s.end, s.staffed) for s in stretches] == [(hk(27, 8), hk(27, 20), False)]
    assert stretches[0].minutes == 12 * 60


def test_adjacent_shifts_staff_the_day_with_a_hand_over() -> None:
    shifts = [OnDuty("amy", hk(27, 8), hk(27, 14)), OnDuty("ben", hk(27, 14), hk(27, 20))]
    stretches = coverage([Opening(hk(27, 8), hk(27, 20))], shifts)
    assert [(s.start, s.end, s.guards) for s in stretches] == [
        (hk(27, 8), hk(27, 14), ("amy",)),
        (hk(27, 14), hk(27, 20), ("ben",)),
    ]
    assert all(s.staffed for s in stretches)


def test_adjacent_shifts_of_one_guard_make_one_stretch() -> None:
    shifts = [OnDuty("amy", hk(27, 8), hk(27, 12)), OnDuty("amy", hk(27, 12), hk(27, 20))]
    stretches = coverage([Opening(hk(27, 8), hk(27, 20))], shifts)
    assert [(s.start, s.end, s.guards) for s in stretches] == [(hk(27, 8), hk(27, 20), ("amy",))]


def test_overlapping_shifts_gaps_and_shifts_beyond_the_hours() -> None:
    shifts = [
        OnDuty("amy", hk(27, 6), hk(27, 11)),  # starts before the post opens
        OnDuty("ben", hk(27, 10), hk(27, 12)),  # overlaps amy
        OnDuty("cat", hk(27, 15), hk(27, 23)),  # runs past closing
    ]
    stretches = coverage([Opening(hk(27, 8), hk(27, 20))], shifts)
    assert [(s.start, s.end, s.guards) for s in stretches] == [
        (hk(27, 8), hk(27, 10), ("amy",)),
        (hk(27, 10), hk(27, 11), ("amy", "ben")),
        (hk(27, 11), hk(27, 12), ("ben",)),
        (hk(27, 12), hk(27, 15), ()),
        (hk(27, 15), hk(27, 20), ("cat",)),
    ]
    assert sum(s.minutes for s in stretches if not s.staffed) == 180


def test_a_night_post_across_midnight() -> None:
    night = openings([(time(22), time(6))], DAY, HK)
    shifts = [OnDuty("amy", hk(27, 22), hk(28, 2)), OnDuty("ben", hk(28, 3), hk(28, 7))]
    stretches = coverage(night, shifts)
    assert [(s.start, s.end, s.guards) for s in stretches] == [
        (hk(27, 22), hk(28, 2), ("amy",)),
        (hk(28, 2), hk(28, 3), ()),
        (hk(28, 3), hk(28, 6), ("ben",)),
    ]
