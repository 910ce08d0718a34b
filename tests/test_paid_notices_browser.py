"""The desk's paid services and notices in a real browser against the real system: the price
list (a form error first), a quote from the unit's price list, accepted, engineering's work order
done, signed off (the charge appears at fees); a notice drafted (a form error first), published,
and printed on one A4 page in both languages. Screenshots (desk and phone) in var/screenshots/."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from browser_harness import (
    DESK,
    PHONE,
    WAIT_MS,
    Office,
    in_browser,
    make_office,
    screenshot,
    sign_in,
)
from system_harness import System

pytestmark = [pytest.mark.system, pytest.mark.browser, pytest.mark.timeout(600)]


def api(office: Office, username: str) -> httpx.Client:
    c = httpx.Client(base_url=office.url, timeout=30)
    r = c.post(
        "/api/auth/token", data={"username": username, "password": office.passwords[username]}
    )
    c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    return c


def wait_for(check, what: str, within: float = 30.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + within
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.3)


def test_paid_services_and_notices_at_the_desk(make_system, tmp_path) -> None:
    system: System = make_system()
    system.start()
    office = make_office(system)
    in_browser(lambda browser: story(browser, office, tmp_path))


def story(browser, office: Office, tmp_path) -> None:  # type: ignore[no-untyped-def]
    desk = browser.new_context(viewport=DESK, locale="zh-HK")
    desk.set_default_timeout(WAIT_MS)
    page = desk.new_page()
    sign_in(page, office, "clerk", "/notices")

    # --- a notice: the dates the wrong way round first, then drafted, published, printed ---
    start = datetime.now(ZoneInfo("Asia/Hong_Kong")) - timedelta(hours=1)  # the estate's time
    page.select_option("#f-category", "water_cut")
    page.fill("#f-buildings", "A")
    page.fill("#f-title_zh_hant", "停水通知")
    page.fill("#f-title_en", "Water supply suspension")
    page.fill("#f-body_zh_hant", "因更換水管，A座於明日上午九時至下午五時暫停食水供應。")
    page.fill("#f-body_en", "Block A: no water tomorrow from 9 am to 5 pm (pipe replacement).")
    page.fill("#f-publish_from", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#f-publish_until", (start - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.click("form[action='/notices'] button[type=submit]")
    assert page.locator("[data-field-error=publish_until]").is_visible()
    assert page.input_value("#f-title_en") == "Water supply suspension"
    page.fill("#f-publish_until", (start + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
    page.click("form[action='/notices'] button[type=submit]")
    page.wait_for_url(re.compile(r"/notices/[0-9a-f-]{36}$"))
    notice_id = page.url.rsplit("/", 1)[1]
    page.click(f"form[action='/notices/{notice_id}/publish'] button")
    page.wait_for_selector(".page-head >> text=正在公告")
    screenshot(page, "desk-notice")

    printed = desk.new_page()
    printed.goto(f"{office.url}/notices/{notice_id}/print")
    text = printed.locator("main").inner_text()
    assert "海港花園" in text and "停水通知" in text and "Water supply suspension" in text
    assert "適用座數：A" in text and "Buildings: A" in text
    screenshot(printed, "desk-notice-print")
    pdf = tmp_path / "notice.pdf"
    printed.pdf(path=str(pdf), format="A4", print_background=True)
    raw = pdf.read_bytes()
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", raw)) == 1  # one sheet for the board
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", raw)
    assert box, raw[:500]
    # A4 is 595.3 x 841.9 points (Chromium rounds to its own pixels)
    assert abs(float(box[1]) - 595.3) < 2 and abs(float(box[2]) - 841.9) < 2, box[0]

    with httpx.Client(base_url=office.url, timeout=30) as resident:  # no token
        r = resident.get("/api/frontdesk/public/v1/notices", params={"jurisdiction_id": "HGV"})
        assert [n["id"] for n in r.json()["notices"]] == [notice_id]

    # --- the price list: a bad price is told next to its field, then two items -------------
    page.goto(f"{office.url}/paid-service-items")
    page.fill("#f-code", "TAP")
    page.fill("#f-name", "更換水龍頭墊圈")
    page.fill("#f-unit_price", "abc")
    page.click("form[action='/paid-service-items'] button[type=submit]")
    assert page.locator("[data-field-error=unit_price]").is_visible()
    assert page.input_value("#f-code") == "TAP"
    page.fill("#f-unit_price", "120.00")
    page.click("form[action='/paid-service-items'] button[type=submit]")
    page.wait_for_selector("text=更換水龍頭墊圈")
    page.fill("#f-code", "HR")
    page.fill("#f-name", "人工（每小時）")
    page.fill("#f-unit_price", "85.50")
    page.click("form[action='/paid-service-items'] button[type=submit]")
    page.wait_for_selector("text=人工（每小時）")
    screenshot(page, "desk-price-list")

    # --- a quote for the unit's owner, from the unit page ------------------------------------
    unit = office.units[0]
    page.goto(f"{office.url}/register/units/{unit['id']}")
    page.click(f"a[href='/paid-services/new?unit_id={unit['id']}']")
    page.wait_for_selector("#quote-form")
    page.fill("#q-TAP", "2")
    page.fill("#q-HR", "1.5")
    page.fill("#f-notes", "廚房水龍頭漏水")
    page.click("#quote-form button[type=submit]")
    page.wait_for_url(re.compile(r"/paid-services/[0-9a-f-]{36}$"))
    assert "HK$368.25" in page.locator("tfoot").inner_text()
    assert "已報價" in page.locator(".page-head").inner_text()
    paid_id = page.url.rsplit("/", 1)[1]
    page.click(f"form[action='/paid-services/{paid_id}/accept'] button")
    page.wait_for_selector(".page-head >> text=已接受")

    # --- engineering does the work (through the API); the desk sees it completed ----------
    tech = api(office, "tech")

    def work_order() -> dict | None:
        items = tech.get("/api/engineering/v1/workorders", params={"limit": 200}).json()["items"]
        return next((w for w in items if w.get("source_id") == paid_id), None)

    order = wait_for(work_order, "the work order")
    path = f"/api/engineering/v1/workorders/{order['id']}"
    assert tech.post(f"{path}/assign", json={"assignee": "tech"}).status_code == 200
    assert tech.post(f"{path}/start").status_code == 200
    r = tech.post(f"{path}/complete", json={"resolution_notes": "已更換墊圈"})
    assert r.status_code == 200, r.text

    def completed() -> bool:
        page.reload()
        return "工作已完成" in page.locator(".page-head").inner_text()

    wait_for(completed, "the completion at the desk")
    page.check("input[name=satisfied][value=yes]")
    page.fill("#f-comment", "滿意")
    page.click(f"form[action='/paid-services/{paid_id}/sign-off'] button[type=submit]")
    page.wait_for_selector(".page-head >> text=已簽收")
    assert "維修工單" in page.content() and order["reference"] in page.content()
    screenshot(page, "desk-paid-service")

    cashier = api(office, "cashier")

    def charged() -> list:
        r = cashier.get(
            "/api/fees/v1/charges", params={"unit_id": unit["id"], "kind": "paid_service"}
        )
        return r.json()["items"]

    [charge] = wait_for(charged, "the charge at fees")
    assert charge["amount"] == "368.25"
    page.goto(f"{office.url}/paid-services")
    screenshot(page, "desk-paid-services")

    # --- on a phone ------------------------------------------------------------------------
    phone = browser.new_context(viewport=PHONE, locale="zh-HK", is_mobile=True, has_touch=True)
    phone.set_default_timeout(WAIT_MS)
    mobile = phone.new_page()
    sign_in(mobile, office, "clerk", f"/paid-services/{paid_id}")
    screenshot(mobile, "phone-paid-service")
    mobile.goto(f"{office.url}/notices")
    screenshot(mobile, "phone-notices")
