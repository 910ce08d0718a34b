"""The supervisor's daily review in a real browser against the real system: the desk's
supervisor (客服領班: ``chief``, a front-desk user with ``supervisor``) opens the day
(handovers, complaints, the departments' tasks, security, the desk staff's
attendance), signs it with a note; the manager, on a phone, sees who
signed and is told by a notification. Screenshots to var/screenshots/."""

from __future__ import annotations

import time
from datetime import UTC, datetime

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

pytestmark = [pytest.mark.system, pytest.mark.browser, pytest.mark.timeout(600)]


def test_daily_review_pages(make_system) -> None:
    system = make_system()
    system.start()
    office = make_office(system)
    the_day_at_the_desk(office)
    in_browser(lambda browser: story(browser, office))


def the_day_at_the_desk(office: Office) -> None:
    """A handover left pending and a complaint recorded (through the API)."""
    with httpx.Client(base_url=office.url, timeout=30) as c:
        r = c.post("/api/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD})
        c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        prop = office.property["id"]
        r = c.post(
            "/api/frontdesk/v1/handovers",
            json={
                "property_id": prop,
                "post": "大堂",
                "shift_end": datetime.now(UTC).isoformat(),
                "open_items": ["B座升降機保養"],
            },
        )
        assert r.status_code == 201, r.text
        r = c.post(
            "/api/frontdesk/v1/complaints",
            json={
                "property_id": prop,
                "unit_id": office.units[0]["id"],
                "channel": "phone",
                "description": "走廊燈不亮",
            },
        )
        assert r.status_code == 201, r.text


def story(browser, office: Office) -> None:
    desk = browser.new_context(viewport=DESK, locale="zh-HK")
    phone = browser.new_context(viewport=PHONE, locale="zh-HK", is_mobile=True, has_touch=True)
    desk.set_default_timeout(WAIT_MS)
    phone.set_default_timeout(WAIT_MS)
    chief = desk.new_page()

    sign_in(chief, office, "chief", "/daily-review")
    assert "每日查閱工作記錄" in chief.inner_text("#sidenav")
    main = chief.inner_text("main")
    assert "尚未簽署" in main and "大堂" in main
    assert chief.inner_text("[data-kpi=handovers_pending]").strip() == "1"
    # the desk's staff shifts answer: attendance is there (no shifts that day), not unavailable
    assert chief.locator("#attendance [data-unavailable]").count() == 0
    screenshot(chief, "desk-daily-review")

    chief.fill("#f-notes", "B座升降機保養未完成，明早跟進。")
    chief.click("#signature button[type=submit]")
    chief.wait_for_selector("[data-signature]")
    assert "由 chief 於" in chief.inner_text("#signature")
    assert "明早跟進" in chief.inner_text("#signature")
    chief.evaluate("window.scrollTo(0, 0)")  # back above the #signature anchor
    screenshot(chief, "desk-daily-review-signed")

    boss = phone.new_page()
    sign_in(boss, office, "boss", "/daily-review")
    assert "由 chief 於" in boss.inner_text("#signature")
    assert boss.locator("#signature form").count() == 0  # signed already: no form for anyone
    screenshot(boss, "phone-daily-review")
    for _ in range(120):  # the manager is told by the daily_review.signed event
        boss.goto(f"{office.url}/notifications")
        if "每日查閱工作記錄已由 chief 簽署" in boss.inner_text("main"):
            break
        time.sleep(0.5)
    else:
        raise AssertionError("the manager was not told of the signed day")
