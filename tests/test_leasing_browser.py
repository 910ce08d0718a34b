"""The leasing pages in a real browser against the real system: a leasing clerk registers a
space, negotiates (offers, agreement) and draws up and signs the contract from it, sees a
clashing contract refused in Chinese, finds it among the contracts ending soon; books a venue,
signs it with the fee, checks it in and out with a damage; submits an ad with its artwork from
the front desk's archive (learnt by leasing from the archive's event), approves it and sees it
up, and downloads the artwork from the ad's page (as the manager does); once the desk archives
it the ad is flagged; a manager reads the pages but gets no forms; the front desk gets none of them.
Screenshots (desk and phone) go to var/screenshots/."""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

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
from system_harness import ADMIN_PASSWORD

# the smallest PNG header: the archive tells its type from the content
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40

pytestmark = [pytest.mark.system, pytest.mark.browser, pytest.mark.timeout(600)]


def test_leasing_pages(make_system) -> None:
    system = make_system()
    system.start()
    office = make_office(system)
    with httpx.Client(base_url=office.url, timeout=30) as c:
        r = c.post("/api/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD})
        c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        r = c.post(
            "/api/users",
            json={"username": "lessor", "password": "lessor-pass-123", "roles": ["leasing"]},
        )
        assert r.status_code == 201, r.text
        office.passwords["lessor"] = "lessor-pass-123"
        pid = office.property["id"]
        for _ in range(120):  # leasing learns the property from the register's units (events)
            known = c.get("/api/leasing/v1/properties").json()["items"]
            if any(p["id"] == pid for p in known):
                break
            time.sleep(0.25)
        for kind, code, name, where in (
            ("venue", "HALL-1", "會所禮堂", "會所一樓"),
            ("ad_space", "AD-L1", "大堂燈箱", "A座大堂"),
        ):
            r = c.post(
                "/api/leasing/v1/spaces",
                json={
                    "property_id": pid,
                    "kind": kind,
                    "code": code,
                    "name": name,
                    "location": where,
                },
            )
            assert r.status_code == 201, r.text
        # the ad's artwork, kept by the front desk as a document of the property itself
        r = c.post(
            "/api/frontdesk/v1/documents",
            data={"title": "開張海報", "category": "artwork", "property_id": pid},
            files={"file": ("poster.png", PNG, "image/png")},
        )
        assert r.status_code == 201, r.text
        artwork = r.json()
        for _ in range(120):  # leasing learns it from the archive's event
            docs = c.get("/api/leasing/v1/artwork-documents").json()["items"]
            if any(d["id"] == artwork["id"] for d in docs):
                break
            time.sleep(0.25)
        else:
            raise AssertionError("leasing never learnt the artwork")
    in_browser(lambda browser: story(browser, office, artwork))


def story(browser, office: Office, artwork: dict) -> None:
    desk = browser.new_context(viewport=DESK, locale="zh-HK")
    phone = browser.new_context(viewport=PHONE, locale="zh-HK", is_mobile=True, has_touch=True)
    for ctx in (desk, phone):
        ctx.set_default_timeout(WAIT_MS)
    page = desk.new_page()
    today = date.today()

    # --- a space, registered through the form (a duplicate code first: refused in Chinese) ------
    sign_in(page, office, "lessor", "/leasing/spaces")
    assert page.locator("h1").inner_text().strip() == "租務"
    page.select_option("#f-property_id", office.property["id"])
    page.select_option("#f-kind", "warehouse")
    page.fill("#f-code", "HALL-1")
    page.fill("#f-name", "地庫倉庫")
    page.fill("#f-location", "B座地庫")
    page.fill("#f-size", "40 m²")
    page.fill("#f-list_rent", "5,000")
    page.click("form[method=post][action='/leasing/spaces'] button[type=submit]")
    page.wait_for_load_state()
    assert "物業已有編號為 HALL-1 的租賃空間" in page.inner_text("main")
    assert page.input_value("#f-name") == "地庫倉庫"  # nothing typed is lost
    page.fill("#f-code", "WH-B1")
    page.click("form[method=post][action='/leasing/spaces'] button[type=submit]")
    page.wait_for_load_state()
    assert "WH-B1" in page.inner_text("table")
    screenshot(page, "desk-leasing-spaces")

    # --- a negotiation: offers, then agreed; the contract drawn up from it and signed ------------
    page.goto(f"{office.url}/leasing/negotiations")
    page.select_option("#f-space_id", label="WH-B1 · 地庫倉庫")
    page.fill("[name='counterparty.name']", "李先生")
    page.fill("[name='counterparty.company']", "利華貿易")
    page.fill("[name='counterparty.phone']", "9876 5432")
    page.fill("#f-proposed_rent", "4200")
    page.click("form[method=post][action='/leasing/negotiations'] button[type=submit]")
    page.wait_for_selector("#offers")
    assert "尚未達成協議" in page.inner_text("main")
    page.select_option("#f-offered_by", "office")
    page.fill("#f-rent", "4800")
    page.click("form[action$='/offers'] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#offers tbody tr").count() == 2
    page.click("summary:has-text('達成協議')")
    page.fill("form[action$='/agree'] [name=rent]", "4500")
    page.click("form[action$='/agree'] button[type=submit]")
    page.wait_for_load_state()
    assert "HK$4,500.00" in page.inner_text("main")
    screenshot(page, "desk-leasing-negotiation")
    page.click("text=擬定合同")
    page.wait_for_load_state()
    assert page.input_value("[name='counterparty.name']") == "李先生"
    page.fill("#f-start_date", today.isoformat())
    page.fill("#f-end_date", (today + timedelta(days=45)).isoformat())
    page.fill("#f-deposit", "9000")
    page.click("form[method=post][action='/leasing/contracts'] button[type=submit]")
    page.wait_for_load_state()
    assert "草稿" in page.inner_text(".page-head")
    page.click("form[action$='/sign'] button[type=submit]")
    page.wait_for_load_state()
    assert "已簽約" in page.inner_text(".page-head")
    reference = page.locator("h1 .ref").inner_text().strip()
    screenshot(page, "desk-leasing-contract")

    # a second contract for the same days: signing it is refused, naming the first in Chinese
    page.goto(f"{office.url}/leasing/contracts")
    page.select_option("#f-space_id", label="WH-B1 · 地庫倉庫")
    page.fill("[name='counterparty.name']", "王小姐")
    page.fill("[name='counterparty.phone']", "6123 4567")
    page.fill("#f-start_date", (today + timedelta(days=30)).isoformat())
    page.fill("#f-end_date", (today + timedelta(days=400)).isoformat())
    page.fill("#f-rent", "4600")
    page.click("form[method=post][action='/leasing/contracts'] button[type=submit]")
    page.wait_for_load_state()
    page.click("form[action$='/sign'] button[type=submit]")
    page.wait_for_load_state()
    assert f"已按合同 {reference}" in page.inner_text(".alert-error")
    page.goto(f"{office.url}/leasing/contracts?view=ending")
    assert reference in page.inner_text("#contracts")
    screenshot(page, "desk-leasing-contracts-ending")

    # --- a venue booking: signed with the fee, checked in, handed back damaged (on a phone) ------
    mobile = phone.new_page()
    sign_in(mobile, office, "lessor", "/leasing/venues")
    mobile.select_option("#f-space_id", label="HALL-1 · 會所禮堂")
    mobile.fill("#f-day", (today + timedelta(days=2)).isoformat())
    mobile.fill("#f-start_time", "18:00")
    mobile.fill("#f-end_time", "22:00")
    mobile.fill("#f-organizer", "業主委員會")
    mobile.fill("#f-purpose", "中秋晚會")
    mobile.click("form[method=post][action='/leasing/venues'] button[type=submit]")
    mobile.wait_for_load_state()
    mobile.fill("form[action$='/sign'] [name=fee]", "1500")
    mobile.click("form[action$='/sign'] button[type=submit]")
    mobile.wait_for_load_state()
    assert "已簽約" in mobile.inner_text(".page-head")
    mobile.click("form[action$='/check-in'] button[type=submit]")
    mobile.wait_for_load_state()
    mobile.click("form[action$='/check-out'] button[type=submit]")  # no condition noted: refused
    mobile.wait_for_load_state()
    assert mobile.locator("[data-field-error=condition_note]").count() == 1
    mobile.fill("[name=condition_note]", "地面有垃圾")
    mobile.fill("[name=damage]", "兩張椅子損壞")
    mobile.click("form[action$='/check-out'] button[type=submit]")
    mobile.wait_for_load_state()
    text = mobile.inner_text("main")
    assert "已收回" in text and "兩張椅子損壞" in text and "已通知工程部" in text
    screenshot(mobile, "phone-leasing-booking")

    # --- an ad: submitted, approved, up now -----------------------------------------------------
    page.goto(f"{office.url}/leasing/ads")
    page.select_option("#f-space_id", label="AD-L1 · 大堂燈箱")
    page.fill("#f-advertiser", "海景茶餐廳")
    page.fill("#f-artwork", "A1 海報：開張優惠")
    page.select_option("#f-artwork_document_id", artwork["id"])
    page.fill("#f-starts_on", today.isoformat())
    page.fill("#f-ends_on", (today + timedelta(days=20)).isoformat())
    page.click("form[method=post][action='/leasing/ads'] button[type=submit]")
    page.wait_for_load_state()
    page.click("[data-ad] form[action$='/approve'] button[type=submit]")
    page.wait_for_load_state()
    # a second ad with the same artwork, for winter: left pending
    page.select_option("#f-space_id", label="AD-L1 · 大堂燈箱")
    page.fill("#f-advertiser", "海景茶餐廳（冬季）")
    page.fill("#f-artwork", "A1 海報：冬季")
    page.select_option("#f-artwork_document_id", artwork["id"])
    page.fill("#f-starts_on", (today + timedelta(days=30)).isoformat())
    page.fill("#f-ends_on", (today + timedelta(days=40)).isoformat())
    page.click("form[method=post][action='/leasing/ads'] button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{office.url}/leasing/ads?view=current")
    assert "海景茶餐廳" in page.inner_text("main") and "已批准" in page.inner_text("main")
    screenshot(page, "desk-leasing-ads")
    page.goto(f"{office.url}/leasing/ads?view=expiring")
    assert "海景茶餐廳" in page.inner_text("main")
    mobile.goto(f"{office.url}/leasing/ads")
    screenshot(mobile, "phone-leasing-ads")
    # the ad's page: its artwork, whose file leasing downloads from the desk's archive
    page.click("[data-ad] a[href^='/leasing/ads/']")
    page.wait_for_load_state()
    ad_url = page.url
    text = page.inner_text("main")
    assert "開張海報" in text and "image/png" in text and "海景茶餐廳" in text
    link = page.locator(f"[data-artwork] a[href='/leasing/artwork/{artwork['id']}']")
    with page.expect_download() as caught:
        link.click()
    assert Path(caught.value.path()).read_bytes() == PNG
    screenshot(page, "desk-leasing-ad")

    # --- English; a manager reads without forms; the front desk has no leasing pages ------------
    page.goto(f"{office.url}/leasing/contracts")
    page.click(".lang-switch button[value=en]")
    page.wait_for_load_state()
    assert "Ending within 60 days" in page.inner_text("main")
    screenshot(page, "desk-leasing-contracts-en")
    boss = browser.new_context(viewport=DESK).new_page()
    sign_in(boss, office, "boss", "/leasing/contracts")
    assert reference in boss.inner_text("main")
    assert boss.locator("main form[method=post]").count() == 0
    # the manager too downloads the artwork's file from the ad's page
    boss.goto(ad_url)
    link = boss.locator(f"[data-artwork] a[href='/leasing/artwork/{artwork['id']}']")
    download = boss.request.get(f"{office.url}{link.get_attribute('href')}")
    assert download.status == 200 and download.body() == PNG
    clerk = browser.new_context(viewport=DESK).new_page()
    sign_in(clerk, office, "clerk", "/complaints")
    assert "租務" not in clerk.inner_text("#sidenav")
    response = clerk.goto(f"{office.url}/leasing/contracts")
    assert response is not None and response.status == 403

    # --- the desk archives the artwork (a document of the property): the ad is flagged ---------
    clerk.goto(f"{office.url}/documents?category=artwork")
    row = clerk.locator(f"#d-{artwork['id']}")
    assert "開張海報" in row.inner_text() and "物業本身" in row.inner_text()
    screenshot(clerk, "desk-documents-artwork")
    row.locator("form[action$='/archive'] button[type=submit]").click()
    clerk.wait_for_load_state()
    assert clerk.locator(f"#d-{artwork['id']}").count() == 0
    page.click(".lang-switch button[value=zh-Hant]")
    page.wait_for_load_state()
    for _ in range(60):  # leasing learns it from the archive's event
        page.goto(ad_url)
        if "設計稿已歸檔" in page.inner_text("main"):
            break
        page.wait_for_timeout(250)
    assert "前臺已將此廣告的設計稿歸檔" in page.inner_text("main")
    screenshot(page, "desk-leasing-ad-artwork-archived")
    page.goto(f"{office.url}/leasing/ads?view=current")
    assert "設計稿已歸檔" in page.inner_text("[data-ad]")
    # the pending winter ad can no longer be approved: told why, and rejecting is left
    page.goto(f"{office.url}/leasing/ads?view=pending")
    winter = page.locator("[data-ad]:has-text('冬季')")
    assert winter.locator("form[action$='/approve']").count() == 0
    assert "請拒絕此廣告" in winter.locator("[data-cannot-approve]").inner_text()
    assert winter.locator("form[action$='/reject']").count() == 1
    screenshot(page, "desk-leasing-ads-pending-artwork-archived")
    mobile.goto(ad_url)
    screenshot(mobile, "phone-leasing-ad")
