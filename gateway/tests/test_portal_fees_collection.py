"""The fees pages beyond the account: a unit's statement (period form, running balance, its
PDF through the portal), receipts on the payment rows, the arrears list by age (filters, CSV),
and collection cases opened from it (attempt, appointment, promise, opinion raised as a
complaint, history; refusals next to their fields), over HTTP as a browser uses them."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from test_gateway import start_departments, start_gateway  # noqa: F401
from test_portal import browser, csrf_of, sign_in
from test_portal_cleaning import poster

from fees.accounts.service import open_account_for_unit
from propops.events.payloads import UnitRegistered
from propops.testing.fixtures import RunningApp
from propops.timezones import DEFAULT_TIME_ZONE, today_in


def day(n: int) -> str:
    return (today_in(DEFAULT_TIME_ZONE) + timedelta(days=n)).isoformat()


async def unit_with_account(fees: RunningApp, number: str) -> str:
    unit = UnitRegistered(
        unit_id=str(uuid.uuid4()),
        property_id="p-1",
        property_code="HKA",
        building="A",
        number=number,
    )
    async with fees.ctx.db.sessions() as session:
        await open_account_for_unit(session, unit)
        await session.commit()
    return unit.unit_id


async def charge(fees: RunningApp, unit_id: str, amount: str, due: int) -> None:
    body = {"unit_id": unit_id, "kind": "management_fee", "amount": amount, "due_date": day(due)}
    r = await fees.client.post("/v1/charges", json=body)
    assert r.status_code == 201, r.text


async def test_statement_receipts_arrears_and_collection_pages(
    start_service,
    start_gateway,  # noqa: F811 (the fixture imported above)
) -> None:
    apps = await start_departments(start_service, ("fees",))
    fees = apps["fees"]
    gw = await start_gateway({"fees": fees.url})
    r = await gw.client.post(
        "/api/users", json={"username": "may", "password": "may-pass-123", "roles": ["fees"]}
    )
    assert r.status_code == 201, r.text
    late = await unit_with_account(fees, "12F")
    recent = await unit_with_account(fees, "3B")
    clean = await unit_with_account(fees, "8C")
    await charge(fees, late, "300.00", -75)  # 61-90 days
    await charge(fees, late, "100.00", -5)  # 0-30 days
    await charge(fees, recent, "50.00", -10)

    async with browser(gw) as b:
        assert (await sign_in(b, "may", "may-pass-123")).status_code == 303
        account = await b.get(f"/fees/accounts/{late}")
        assert f'href="/fees/accounts/{late}/statement"' in account.text and "結單" in account.text
        post = poster(b, csrf_of(account.text))

        # a payment: its receipt number on the row, the receipt's PDF through the portal
        r = await post(f"/fees/accounts/{late}/payments", amount="100.00", method="cash")
        assert r.status_code == 303
        account = await b.get(f"/fees/accounts/{late}")
        receipt = re.search(
            r'href="(/fees/payments/[0-9a-f-]{36}/receipt.pdf)" data-receipt="([^"]+)"',
            account.text,
        )
        assert receipt and receipt.group(2) in account.text
        pdf = await b.get(receipt.group(1))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

        # the statement: opening, lines with the running balance, closing; its PDF
        page = await b.get(f"/fees/accounts/{late}/statement?from={day(-90)}&to={day(0)}")
        assert page.status_code == 200
        assert page.text.count('data-line="charge"') == 2
        assert page.text.count('data-line="payment"') == 1
        assert "HK$300.00" in page.text and "HK$400.00" in page.text  # the balance runs
        closing = re.search(r"data-closing><strong>([^<]+)<", page.text).group(1)
        assert closing == "HK$300.00"
        assert receipt.group(2) in page.text  # the payment line quotes its receipt
        pdf_link = re.search(r'href="([^"]+statement\.pdf[^"]*)"', page.text).group(1)
        pdf = await b.get(pdf_link.replace("&amp;", "&"))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        bad = await b.get(f"/fees/accounts/{late}/statement?from=someday")
        assert bad.status_code == 422 and 'data-field-error="from"' in bad.text

        # arrears: the buckets, the filters, the CSV
        page = await b.get("/fees/arrears")
        assert page.status_code == 200 and "欠費" in page.text
        assert page.text.count("data-unit=") == 2 and "HK$350.00" in page.text  # 300 + 50
        page = await b.get("/fees/arrears?min_days=30")
        assert page.text.count("data-unit=") == 1 and f'data-unit="{late}"' in page.text
        page = await b.get("/fees/arrears?min_amount=1000")
        assert page.text.count("data-unit=") == 0
        bad = await b.get("/fees/arrears?min_days=-1")
        assert bad.status_code == 422 and 'data-field-error="min_days"' in bad.text
        csv = await b.get("/fees/arrears.csv?min_days=30")
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        assert "12F" in csv.text and "3B" not in csv.text

        # collection: a case opened from the arrears row (again: the same case)
        r = await post("/fees/collection", unit_id=late)
        assert r.status_code == 303
        case_path = r.headers["location"].split("?")[0]
        r = await post("/fees/collection", unit_id=late)
        assert r.headers["location"] == case_path
        r = await post("/fees/collection", unit_id=clean)  # not in arrears: said on the list
        assert r.status_code == 422 and "alert-error" in r.text and "data-unit=" in r.text
        assert f"單位 {clean} 沒有欠費" in r.text

        r = await post(f"{case_path}/attempts", method="door", reached="no", outcome="")
        assert r.status_code == 422 and 'data-field-error="outcome"' in r.text
        page = await b.get(case_path)
        version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
        r = await post(f"{case_path}/attempts", method="door", reached="no",
                       outcome="無人應門", version=version)  # fmt: skip
        assert r.status_code == 303, r.text
        stale = await post(f"{case_path}/attempts", method="phone", reached="yes",
                           outcome="x", version=version)  # fmt: skip
        assert stale.status_code == 422 and "alert-error" in stale.text
        at = f"{day(0)}T23:00"
        r = await post(f"{case_path}/appointments", at=at, place="管理處")
        assert r.status_code == 303, r.text
        r = await post(f"{case_path}/promises", date=day(7), amount="abc")
        assert r.status_code == 422 and 'data-field-error="amount"' in r.text
        r = await post(f"{case_path}/promises", date=day(7), amount="300.00")
        assert r.status_code == 303, r.text
        r = await post(f"{case_path}/opinions", text="電梯經常故障", raise_complaint="yes")
        assert r.status_code == 303, r.text
        page = await b.get(case_path)
        assert "無人應門" in page.text and "上門催收" in page.text
        assert "管理處" in page.text and "HK$300.00" in page.text and "電梯經常故障" in page.text
        assert page.text.count("data-step=") == 5  # opened, attempt, appoint, promise, opinion

        # the list: the open case, the appointment coming due
        page = await b.get("/fees/collection")
        assert page.text.count("data-case=") == 1 and "12F" in page.text
        assert page.text.count("data-appointment=") == 1 and "管理處" in page.text
        page = await b.get("/fees/collection?status=closed")
        assert page.text.count("data-case=") == 0

        # English
        r = await post("/language", language="en", next=case_path)
        page = await b.get(case_path)
        assert "Collection case" in page.text and "At the door" in page.text
