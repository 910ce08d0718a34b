"""The fee cycle's pages in a real browser: the cashier adds a fee rate (a bad amount first: the
error is shown by its field, in Chinese), starts the month's billing run and watches it complete
(progress and totals, reloaded by htmx without a reload of the page), and finds the property's
accounts with their new balances. Screenshots (desk and phone) go to var/screenshots/."""

from __future__ import annotations

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

        phone = browser.new_context(viewport=PHONE, locale="zh-HK", is_mobile=True).new_page()
        phone.set_default_timeout(WAIT_MS)
        sign_in(phone, office, "cashier", run_url.split(office.url, 1)[1])
        phone.wait_for_selector("#run-figures")
        screenshot(phone, "phone-fees-billing-run")

    in_browser(body)
