"""Receipts (gapless numbers under concurrent payments, the PDF) and statements (opening +
lines = closing, the PDF with its Chinese text)."""

from __future__ import annotations

import asyncio
import io
import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal

from pypdf import PdfReader
from test_charges_payments import assert_problem, auth, charge, days, fees, open_unit, pay

from propops.testing.fixtures import RunningApp
from propops.timezones import DEFAULT_TIME_ZONE, today_in, zone

__all__ = ["fees"]


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


async def test_receipt_numbers_are_gapless_per_property_under_concurrent_payments(
    fees: RunningApp,
) -> None:
    prop, other = f"p-{uuid.uuid4().hex[:8]}", f"p-{uuid.uuid4().hex[:8]}"
    units = [await open_unit(fees, prop) for _ in range(10)]
    await charge(fees, units[0], "500.00", -3)
    # 20 payments at once: two per unit, ten units of one property
    paid = await asyncio.gather(*(pay(fees, units[i % 10], "30.00") for i in range(20)))
    numbers = sorted(int(p["receipt_number"].rsplit("-", 1)[1]) for p in paid)
    assert numbers == list(range(1, 21))
    year = today_in(DEFAULT_TIME_ZONE).year
    assert all(p["receipt_number"].startswith(f"R-{year}-") for p in paid)
    # another property counts from 1; a failed payment takes no number
    lone = await open_unit(fees, other)
    await pay(fees, lone, "-1", expect=422)
    assert (await pay(fees, lone, "10.00"))["receipt_number"] == f"R-{year}-00001"
    assert (await pay(fees, units[3], "1.00"))["receipt_number"] == f"R-{year}-00021"

    first = next(p for p in paid if p["allocations"])
    r = await fees.client.get(f"/v1/payments/{first['id']}/receipt.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = pdf_text(r.content)
    assert first["receipt_number"] in text and "收據" in text and "30.00" in text
    assert "現金 Cash" in text  # the method as the statement prints it too
    # another property's user sees neither the payment nor its receipt
    r = await fees.client.get(
        f"/v1/payments/{first['id']}/receipt.pdf", headers=auth(fees, "fees", property_ids=[other])
    )
    assert r.status_code in (403, 404)


async def test_statement_opening_plus_lines_is_closing(fees: RunningApp) -> None:
    unit = await open_unit(fees, f"p-{uuid.uuid4().hex[:8]}")
    await charge(fees, unit, "100.00", -60, description="管理費 舊")
    await charge(fees, unit, "250.00", -20, description="管理費")
    await charge(fees, unit, "40.00", -5, kind="other", description="維修")
    voided = await charge(fees, unit, "999.00", -4, kind="other", description="錯誤")
    r = await fees.client.post(f"/v1/charges/{voided['id']}/void", json={"reason": "wrong"})
    assert r.status_code == 200, r.text
    today = today_in(DEFAULT_TIME_ZONE)

    def at(n: int) -> str:
        # midnight where the unit is: today's payment is never in the future, whatever the hour
        day = today + timedelta(days=n)
        return datetime.combine(day, time(0), tzinfo=zone(DEFAULT_TIME_ZONE)).isoformat()

    for amount, when in (("30.00", -50), ("200.00", -10), ("5.00", 0)):
        r = await fees.client.post(
            "/v1/payments",
            json={"unit_id": unit, "amount": amount, "method": "cash", "paid_at": at(when)},
        )
        assert r.status_code == 201, r.text

    r = await fees.client.get(
        f"/v1/accounts/{unit}/statement", params={"from": days(-30), "to": days(0)}
    )
    assert r.status_code == 200, r.text
    s = r.json()
    dec = Decimal
    assert dec(s["opening_balance"]) == dec("70.00")  # 100 charged, 30 paid before
    assert [(x["kind"], x["debit"], x["credit"]) for x in s["lines"]] == [
        ("charge", "250.00", None),
        ("payment", None, "200.00"),
        ("charge", "40.00", None),
        ("payment", None, "5.00"),
    ]
    running = dec(s["opening_balance"])
    for line in s["lines"]:
        running += dec(line["debit"] or 0) - dec(line["credit"] or 0)
        assert dec(line["balance"]) == running
    assert dec(s["closing_balance"]) == running == dec("155.00")
    assert s["from"] == days(-30) and s["to"] == days(0)
    acct = (await fees.client.get("/v1/accounts", params={"unit_id": unit})).json()["items"][0]
    assert dec(acct["balance"]) == running  # the whole history: the account's balance

    r = await fees.client.get(
        f"/v1/accounts/{unit}/statement.pdf", params={"from": days(-30), "to": days(0)}
    )
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = pdf_text(r.content)
    assert "月結單" in text and "維修" in text and "155.00" in text
    assert acct["unit_number"] in text
    # a payment's line prints its method as the receipt does, not the code the API answers
    assert [x["description"] for x in s["lines"] if x["kind"] == "payment"] == ["cash", "cash"]
    assert text.count("現金 Cash") == 2 and "cash" not in text

    bad = await fees.client.get(
        f"/v1/accounts/{unit}/statement", params={"from": days(0), "to": days(-1)}
    )
    assert_problem(bad, 422, "from")
    r = await fees.client.get(f"/v1/accounts/{uuid.uuid4()}/statement")
    assert_problem(r, 404, "unit_id")
