"""The money rules of the fee cycle as plain functions: the rate in force on a day, a unit's
management fee (rounded half-up to the cent), and a lease's rent for a period."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fees.billing_runs.service import last_day, management_fee
from fees.contracts.schedule import period_bounds, rent_due
from fees.rates.models import FeeRate
from fees.rates.service import rate_in_force


def rate(day: str, amount: str = "10.00") -> FeeRate:
    return FeeRate(
        property_id="p-1",
        basis="per_m2",
        amount=Decimal(amount),
        effective_from=date.fromisoformat(day),
    )


def test_the_rate_in_force_is_the_latest_started_on_or_before_the_day() -> None:
    jan, jul, nov = rate("2026-01-01", "3.00"), rate("2026-07-01", "3.20"), rate("2026-11-15")
    rates = [nov, jan, jul]  # any order
    assert rate_in_force(rates, date(2025, 12, 31)) is None
    assert rate_in_force(rates, date(2026, 1, 1)) is jan
    assert rate_in_force(rates, date(2026, 6, 30)) is jan
    assert rate_in_force(rates, date(2026, 7, 1)) is jul
    assert rate_in_force(rates, date(2026, 11, 14)) is jul
    assert rate_in_force(rates, date(2026, 11, 15)) is nov
    assert rate_in_force([], date(2026, 1, 1)) is None


@pytest.mark.parametrize(
    ("basis", "rate_", "area", "fee"),
    [
        ("per_m2", "3.25", "80.50", "261.63"),  # 261.625 -> half up
        ("per_m2", "3.21", "80.50", "258.41"),  # 258.405 -> half up
        ("per_m2", "3.20", "80.49", "257.57"),  # 257.568
        ("per_m2", "2.00", "61.11", "122.22"),
        ("per_unit", "850.00", None, "850.00"),
        ("per_unit", "850.00", "120.00", "850.00"),  # the area does not matter
        ("per_m2", "3.25", None, None),  # no area: not charged (skipped)
        ("per_m2", "3.25", "0", None),
        ("per_m2", "0.01", "0.10", None),  # rounds to nothing: nothing to charge
    ],
)
def test_a_units_management_fee_is_area_times_rate_rounded_half_up(
    basis: str, rate_: str, area: str | None, fee: str | None
) -> None:
    got = management_fee(basis, Decimal(rate_), Decimal(area) if area is not None else None)
    assert got == (Decimal(fee) if fee is not None else None)
    if got is not None:
        assert got.as_tuple().exponent == -2


def test_period_bounds_and_last_day() -> None:
    assert period_bounds("2026-11") == (date(2026, 11, 1), date(2026, 11, 30))
    assert period_bounds("2026-11", 3) == (date(2026, 11, 1), date(2027, 1, 31))
    assert last_day("2028-02") == date(2028, 2, 29)


def rent(start: str, last: str, amount: str, cycle: str, period: str) -> Decimal | None:
    return rent_due(
        start=date.fromisoformat(start),
        last_day=date.fromisoformat(last),
        rent=Decimal(amount),
        cycle=cycle,
        period=period,
    )


def test_monthly_rent_is_charged_every_month_and_prorated_by_days_at_the_ends() -> None:
    lease = ("2026-03-16", "2026-06-10", "3100.00", "monthly")
    assert rent(*lease, "2026-02") is None
    assert rent(*lease, "2026-03") == Decimal("1600.00")  # 16 of 31 days
    assert rent(*lease, "2026-04") == Decimal("3100.00")
    assert rent(*lease, "2026-05") == Decimal("3100.00")
    assert rent(*lease, "2026-06") == Decimal("1033.33")  # 10 of 30 days: 1033.333...
    assert rent(*lease, "2026-07") is None
    # a 31-day month charged 1 day, rounded half up: 1000 / 31 = 32.258...
    assert rent("2026-01-31", "2026-12-31", "1000.00", "monthly", "2026-01") == Decimal("32.26")


def test_quarterly_rent_is_charged_every_third_month_from_the_start() -> None:
    lease = ("2026-01-01", "2026-12-31", "9000.00", "quarterly")
    charged = {f"2026-{m:02d}": rent(*lease, f"2026-{m:02d}") for m in range(1, 13)}
    assert {p: a for p, a in charged.items() if a is not None} == {
        "2026-01": Decimal("9000.00"),
        "2026-04": Decimal("9000.00"),
        "2026-07": Decimal("9000.00"),
        "2026-10": Decimal("9000.00"),
    }
    # terminated on 15 May: the April quarter (91 days) is charged 45 days of it
    assert rent("2026-01-01", "2026-05-15", "9100.00", "quarterly", "2026-04") == Decimal("4500.00")
    assert rent("2026-01-01", "2026-05-15", "9100.00", "quarterly", "2026-07") is None


def test_a_once_rent_is_charged_whole_in_the_start_month_only() -> None:
    assert rent("2026-05-20", "2026-05-22", "5000.00", "once", "2026-05") == Decimal("5000.00")
    assert rent("2026-05-20", "2026-08-22", "5000.00", "once", "2026-06") is None
    assert rent("2026-05-20", "2026-08-22", "5000.00", "once", "2026-04") is None


def test_a_lease_terminated_before_it_starts_owes_nothing() -> None:
    assert rent("2026-05-01", "2026-04-30", "5000.00", "monthly", "2026-05") is None
