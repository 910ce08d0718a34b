"""The desk's meeting rooms, shift handover and documents in a real browser against the real
system: a clerk adds a room, books it (an overlapping booking is refused, naming the booking in
the way), ticks the preparation checklist, closes it with a microphone missing and the keys not
back (a follow-up, then the keys returned and the follow-up resolved); writes a handover that a
second clerk, on a phone, acknowledges and continues with the open items filled in; uploads a
unit's contract (a PDF named .txt: stored as the PDF it is), downloads it under its name and
archives it. Screenshots (desk and phone) go to var/screenshots/."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from propops.timezones import DEFAULT_TIME_ZONE, today_in

from browser_harness import DESK, PHONE, WAIT_MS, Office, in_browser, make_office, screenshot
from browser_harness import sign_in as sign_in_as
from system_harness import ADMIN_PASSWORD

pytestmark = [pytest.mark.system, pytest.mark.browser, pytest.mark.timeout(600)]

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"


def test_meeting_rooms_handover_and_documents(make_system) -> None:
    system = make_system(PROPOPS_USER_CACHE_SECONDS="0")
    system.start()
    office = make_office(system)
    with httpx.Client(base_url=office.url, timeout=30) as c:
        r = c.post("/api/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD})
        c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        r = c.post(
            "/api/users",
            json={"username": "clerk2", "password": "clerk2-pass-123", "roles": ["frontdesk"]},
        )
        assert r.status_code == 201, r.text
    office.passwords["clerk2"] = "clerk2-pass-123"
    in_browser(lambda browser: story(browser, office))


def story(browser, office: Office) -> None:
    desk = browser.new_context(viewport=DESK, locale="zh-HK", accept_downloads=True)
    phone = browser.new_context(viewport=PHONE, locale="zh-HK", is_mobile=True, has_touch=True)
    for ctx in (desk, phone):
        ctx.set_default_timeout(WAIT_MS)
    clerk = desk.new_page()

    # --- a room, a booking, an overlap refused ------------------------------------------------
    sign_in_as(clerk, office, "clerk", "/meetings")
    assert clerk.locator("h1").inner_text() == "會議室"
    clerk.click("summary:has-text('新增會議室')")
    clerk.fill("form[action='/meetings/rooms'] #f-name", "一號會議室")
    clerk.fill("form[action='/meetings/rooms'] #f-capacity", "12")
    clerk.fill("form[action='/meetings/rooms'] #f-equipment", "投影機, 咪高峰")
    clerk.click("form[action='/meetings/rooms'] button[type=submit]")
    clerk.wait_for_selector(".room-line:has-text('一號會議室')")
    # booked on yesterday's page: the booking has started whenever the test runs (a booking is
    # closed only once it has started)
    yesterday = today_in(DEFAULT_TIME_ZONE) - timedelta(days=1)
    clerk.goto(f"{office.url}/meetings?date={yesterday.isoformat()}")

    def book(start: str, end: str, organizer: str) -> None:
        clerk.fill("#new-booking #f-start_time", start)
        clerk.fill("#new-booking #f-end_time", end)
        clerk.fill("#new-booking #f-organizer", organizer)
        clerk.fill("#new-booking #f-attendees", "8")
        clerk.click("#new-booking button[type=submit]")
        clerk.wait_for_load_state()

    # a form error first: the end before the start, shown next to the field
    book("10:00", "09:00", "業主委員會")
    assert "結束時間必須遲於開始時間" in clerk.locator("[data-field-error=end_time]").inner_text()
    clerk.check("#new-booking input[name=services][value=tea]")
    book("09:00", "10:30", "業主委員會")
    card = clerk.locator(".booking-card").first
    card.wait_for()
    reference = card.locator(".ref").inner_text()
    assert reference.startswith("M-") and "已預約" in card.inner_text()
    assert clerk.locator(".timeline-day .slot").count() == 1
    book("10:00", "11:00", "物業管理處")
    alert = clerk.locator(".alert-error").first.inner_text()
    assert "已有預約" in alert and reference in alert and "09:00" in alert

    # --- the preparation checklist, ticked --------------------------------------------------
    for _ in range(3):  # tea, the projector, the microphone
        clerk.locator(".booking-card button.check").first.click()
        clerk.wait_for_load_state()
    assert clerk.locator(".booking-card .check.done").count() == 3
    assert "已準備" in clerk.locator(".booking-card").first.inner_text()
    screenshot(clerk, "desk-meetings")

    # --- closed with the microphone missing and the keys not back ------------------------------
    clerk.click(".booking-card summary")
    clerk.check(".booking-card input[name=missing_items][value='咪高峰']")
    clerk.uncheck(".booking-card input[name=keys_returned]")
    clerk.click(".booking-card form[action$='/close'] button[type=submit]")
    clerk.wait_for_load_state()
    clerk.wait_for_selector("#follow-ups .item-card")
    assert "設備缺失" in clerk.locator("#follow-ups").inner_text()
    waiting = clerk.locator("section:has(#keys-h) .booking-card")
    assert "等候交回鑰匙" in waiting.inner_text()
    screenshot(clerk, "desk-meetings-after")
    waiting.locator("input[name=returned_by]").fill("陳先生")
    waiting.locator("button[type=submit]").click()
    clerk.wait_for_load_state()
    assert clerk.locator("#keys-h").count() == 0
    assert "已完成" in clerk.locator(".booking-card").first.inner_text()
    clerk.fill("#follow-ups input[name=resolution]", "在二號會議室找到")
    clerk.click("#follow-ups button[type=submit]")
    clerk.wait_for_load_state()
    assert "沒有待跟進事項" in clerk.locator("#follow-ups").inner_text()

    # --- a handover, acknowledged by the successor on a phone ----------------------------------
    clerk.goto(f"{office.url}/handovers")
    clerk.fill("#f-notes", "早更平靜。")
    clerk.fill("#f-open_items", "B座升降機 16:00 檢查\n12F-3 包裹在前臺")
    clerk.click("form[action='/handovers'] button[type=submit]:not([formmethod])")
    clerk.wait_for_selector("#pending .item-card")
    assert "接班同事到崗時確認" in clerk.locator("#pending").inner_text()

    successor = phone.new_page()
    sign_in_as(successor, office, "clerk2", "/handovers")
    pending = successor.locator("#pending .item-card")
    assert "12F-3 包裹在前臺" in pending.inner_text() and "clerk" in pending.inner_text()
    screenshot(successor, "phone-handover")
    pending.locator("button[type=submit]").click()
    successor.wait_for_load_state()
    assert "沒有待接班的交接記錄" in successor.locator("#pending").inner_text()
    # the next handover of the post starts from the open items
    assert "12F-3 包裹在前臺" in successor.input_value("#f-open_items")

    # --- a unit's contract: uploaded, downloaded under its name, archived ---------------------
    unit = office.units[0]
    clerk.goto(f"{office.url}/documents?unit_id={unit['id']}")
    assert "12F-3" in clerk.locator("h1").inner_text()
    clerk.fill("#f-title", "租約")
    clerk.select_option("#f-category", "contract")
    clerk.set_input_files(
        "#f-file", files=[{"name": "租約.txt", "mimeType": "text/plain", "buffer": PDF}]
    )
    clerk.click("form[action='/documents'][method=post] button[type=submit]")
    row = clerk.locator("table.list tbody tr").first
    row.wait_for()
    assert "租約.pdf" in row.inner_text() and "application/pdf" in row.inner_text()
    assert "合同" in row.inner_text()
    screenshot(clerk, "desk-documents")
    with clerk.expect_download() as download:
        row.locator("a:has-text('租約.pdf')").click()
    assert download.value.suggested_filename == "租約.pdf"
    assert open(download.value.path(), "rb").read() == PDF
    row.locator("button:has-text('歸檔')").click()
    clerk.wait_for_load_state()
    assert "沒有檔案" in clerk.locator("main").inner_text()
    clerk.click("nav.tabs a:has-text('已歸檔')")
    assert "租約.pdf" in clerk.locator("table.list").inner_text()

    phone_docs = successor
    phone_docs.goto(f"{office.url}/meetings")
    screenshot(phone_docs, "phone-meetings")
    desk.close()
    phone.close()
