"""Arrears: age buckets per unit and in total, filters, order, the CSV export; and the rule
for the buckets as a plain function."""

from __future__ import annotations

import csv
import io
import uuid
from decimal import Decimal

from test_charges_payments import assert_problem, auth, charge, fees, open_unit, pay

from fees.arrears.service import bucket_of
from propops.testing.fixtures import RunningApp

__all__ = ["fees"]


def test_buckets_are_days_after_the_due_date() -> None:
    assert [bucket_of(d) for d in (1, 30, 31, 60, 61, 90, 91, 400)] == [
        "d0_30", "d0_30", "d31_60", "d31_60", "d61_90", "d61_90", "d90_plus", "d90_plus"
    ]  # fmt: skip


async def test_arrears_by_age_with_filters_and_csv(fees: RunningApp) -> None:
    prop = f"p-{uuid.uuid4().hex[:8]}"
    old, mid, small, paid_up, not_due = [await open_unit(fees, prop) for _ in range(5)]
    await charge(fees, old, "100.00", -120)  # 90+
    await charge(fees, old, "50.00", -75)  # 61-90
    await charge(fees, old, "20.00", -10)  # 0-30
    await charge(fees, mid, "300.00", -45)  # 31-60
    await pay(fees, mid, "100.00")  # 200 left
    await charge(fees, small, "10.00", -1)  # overdue since yesterday: 0-30
    await charge(fees, paid_up, "80.00", -40)
    await pay(fees, paid_up, "80.00")
    await charge(fees, not_due, "999.00", 0)  # due today: not overdue yet

    r = await fees.client.get("/v1/arrears", params={"property_id": prop})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [u["unit_id"] for u in body["items"]] == [mid, old, small]  # largest first
    assert [u["amount"] for u in body["items"]] == ["200.00", "170.00", "10.00"]
    by_unit = {u["unit_id"]: u for u in body["items"]}
    assert by_unit[old]["buckets"] == {
        "d0_30": "20.00", "d31_60": "0.00", "d61_90": "50.00", "d90_plus": "100.00"
    }  # fmt: skip
    assert by_unit[old]["days_overdue"] == 120 and by_unit[small]["days_overdue"] == 1
    assert body["total"] == 3 and body["amount"] == "380.00"
    assert body["buckets"] == {
        "d0_30": "30.00", "d31_60": "200.00", "d61_90": "50.00", "d90_plus": "100.00"
    }  # fmt: skip

    r = await fees.client.get(
        "/v1/arrears", params={"property_id": prop, "min_days": 31, "min_amount": "180"}
    )
    assert [u["unit_id"] for u in r.json()["items"]] == [mid]
    r = await fees.client.get("/v1/arrears", params={"property_id": prop, "min_days": 100})
    assert [u["unit_id"] for u in r.json()["items"]] == [old]
    assert r.json()["amount"] == "170.00"

    r = await fees.client.get("/v1/arrears.csv", params={"property_id": prop, "min_days": 31})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert 'attachment; filename="arrears-' in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["property_code", "building", "unit_number", "unit_id", "amount"]
    assert [(row[3], row[4], row[-1]) for row in rows[1:]] == [
        (mid, "200.00", "0.00"),
        (old, "170.00", "100.00"),
    ]
    assert sum(Decimal(x) for x in rows[2][7:]) == Decimal(rows[2][4])

    assert_problem(await fees.client.get("/v1/arrears", params={"min_days": -1}), 422, "min_days")
    r = await fees.client.get(
        "/v1/arrears", params={"property_id": prop}, headers=auth(fees, "fees", property_ids=["x"])
    )
    assert r.status_code == 403, r.text
