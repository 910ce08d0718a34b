"""The fee cycle's pages in a real browser: the cashier adds a fee rate (a bad amount first: the
error is shown by its field, in Chinese), starts the month's billing run and watches it complete
(progress and totals, reloaded by htmx without a reload of the page), and finds the property's
accounts with their new balances; then takes a part payment (its receipt number and PDF), reads
the unit's statement (and its PDF), finds the unit in the arrears list, opens a collection case
from there and records a promise to pay, which the case list shows. Screenshots (desk and phone)
go to var/screenshots/."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from browser_harness import DESK, PHONE, WAIT_MS, in_browser, make_office, screenshot, sign_in
from system_harness import System

pytestmark = [pytest.mark.system, pytest.mark.browser, pytest.mark.timeout(600)]


def test_cashier_sets_a_rate_runs_the_month_and_sees_the_accounts(system: System) -> None:
    office = make_office(system)
    prop = office.property["id"]

    def body(browser) -> None:
        page = browser.new_context(viewport=DESK, locale="zh-HK").new_page()
        page.set_default_timeout(WAIT_MS)
        sign_in(page, office, "cashier", "/fees/rates")
        page.select_option("#f-property_id", prop)
        page.select_option("#f-basis", "per_unit")
        page.fill("#f-amount", "12,5x")
        page.fill("#f-effective_from", "2026-01-01")
        page.click("form[action='/fees/rates'] button[type=submit]")
        error = page.locator("[data-field-error='amount']")
        error.wait_for()
        assert "12,5x" not in error.inner_text() and error.inner_text().strip()
        page.fill("#f-amount", "850.00")
        page.click("form[action='/fees/rates'] button[type=submit]")
        page.wait_for_selector("text=已新增收費標準")
        assert "HK$850.00" in page.inner_text("main")
        assert "生效中" in page.inner_text("main")  # the rate in force is marked
        screenshot(page, "desk-fees-rates")

        page.goto(f"{office.url}/fees/billing-runs")
        page.select_option("#f-property_id", prop)
        page.fill("#f-period", "2026-11")
        page.click("form[action='/fees/billing-runs'] button[type=submit]")
        page.wait_for_url("**/fees/billing-runs/*")
        page.wait_for_selector("#run-figures .badge.tone-ok")  # completed, reloaded by htmx
        figures = page.inner_text("#run-figures")
        assert "已完成" in figures and "HK$2,550.00" in figures  # 3 units x 850.00
        screenshot(page, "desk-fees-billing-run")

        # the same month again: the same run, nothing charged twice
        run_url = page.url
        page.goto(f"{office.url}/fees/billing-runs")
        page.select_option("#f-property_id", prop)
        page.fill("#f-period", "2026-11")
        page.click("form[action='/fees/billing-runs'] button[type=submit]")
        page.wait_for_url(run_url)
        page.goto(f"{office.url}/fees/billing-runs")
        assert page.locator("table.list tbody tr").count() == 1
        screenshot(page, "desk-fees-billing-runs")

        page.goto(f"{office.url}/fees/accounts?property_id={prop}")
        main = page.inner_text("main")
        assert "共 3 個賬戶" in main and "HK$2,130.00" in main  # 1,280 overdue + 850
        screenshot(page, "desk-fees-accounts")

        # a part payment of the overdue fee: its receipt number, and the receipt as a PDF
        unit = office.units[0]["id"]
        page.goto(f"{office.url}/fees/accounts/{unit}")
        page.fill("#f-amount", "500.00")
        page.select_option("#f-method", "cash")
        page.click(f"form[action='/fees/accounts/{unit}/payments'] button[type=submit]")
        page.wait_for_selector("text=繳費已記錄")
        receipt = page.locator("[data-receipt]").first
        assert receipt.inner_text().strip().startswith("R-")
        pdf = page.request.get(f"{office.url}{receipt.get_attribute('href')}")
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
        assert pdf.body().startswith(b"%PDF")
        screenshot(page, "desk-fees-account")

        page.click("text=結單")
        page.wait_for_url(f"**/fees/accounts/{unit}/statement")
        main = page.inner_text("main")
        # October's 1,280 opens this month; November's fee is due later; 500 paid: 780
        assert "HK$1,280.00" in main and "HK$500.00" in main and "HK$780.00" in main
        assert "現金" in main and "cash" not in main  # the method in the user's words
        href = page.locator("[data-statement-pdf]").get_attribute("href")
        pdf = page.request.get(f"{office.url}{href}")
        assert pdf.ok and pdf.body().startswith(b"%PDF")
        screenshot(page, "desk-fees-statement")

        page.goto(f"{office.url}/fees/arrears?property_id={prop}")
        main = page.inner_text("main")
        assert "HK$780.00" in main  # what is still overdue of October's fee
        screenshot(page, "desk-fees-arrears")
        page.click("form[action='/fees/collection'] button[type=submit]")
        page.wait_for_url("**/fees/collection/*")
        case_url = page.url
        page.fill("form[action$='/promises'] #f-date", str(date.today() + timedelta(days=3)))
        page.fill("form[action$='/promises'] #f-amount", "780.00")
        page.click("form[action$='/promises'] button[type=submit]")
        page.wait_for_selector("[data-promise='pending']")
        page.fill(
            "form[action$='/appointments'] #f-at", f"{date.today() + timedelta(days=2)}T19:30"
        )
        page.fill("form[action$='/appointments'] #f-place", "管理處")
        page.click("form[action$='/appointments'] button[type=submit]")
        page.wait_for_selector("[data-appointment]")
        assert "等候繳付" in page.inner_text("#promises")
        screenshot(page, "desk-fees-case")

        page.goto(f"{office.url}/fees/collection?promise=pending")
        row = page.locator("table.list tbody tr")
        assert row.count() == 1 and "等候繳付" in row.inner_text()
        assert "管理處" in page.inner_text("#appointments")  # the appointment comes due
        screenshot(page, "desk-fees-collection")
        page.goto(f"{office.url}/fees/collection?promise=broken")
        assert page.locator("table.list tbody tr").count() == 0

        phone = browser.new_context(viewport=PHONE, locale="zh-HK", is_mobile=True).new_page()
        phone.set_default_timeout(WAIT_MS)
        sign_in(phone, office, "cashier", run_url.split(office.url, 1)[1])
        phone.wait_for_selector("#run-figures")
        screenshot(phone, "phone-fees-billing-run")
        for path, name in (
            (f"/fees/accounts/{unit}", "phone-fees-account"),
            (f"/fees/accounts/{unit}/statement", "phone-fees-statement"),
            (f"/fees/arrears?property_id={prop}", "phone-fees-arrears"),
            (case_url.split(office.url, 1)[1], "phone-fees-case"),
            ("/fees/collection", "phone-fees-collection"),
        ):
            phone.goto(f"{office.url}{path}")
            phone.wait_for_selector("main h1")
            screenshot(phone, name)

    in_browser(body)
