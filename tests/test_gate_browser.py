"""Visitors and release passes in a real browser against the real system: the clerk registers
a visitor and confirms the identity, asks for a release pass of a unit in arrears (the pass
says what is missing), the manager overrides with a reason, the clerk issues and prints it;
at the gate, on a phone, the guard lets the visitor in and checks the pass; the desk sees the
visitor on site and the pass released. Screenshots (desk and phone) go to var/screenshots/."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
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
from system_harness import ADMIN_PASSWORD, System

pytestmark = [pytest.mark.system, pytest.mark.browser, pytest.mark.timeout(600)]


def add_guard(office: Office) -> None:
    with httpx.Client(base_url=office.url, timeout=30) as c:
        r = c.post("/api/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD})
        c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        office.passwords["guard"] = "guard-pass-123"
        r = c.post(
            "/api/users",
            json={"username": "guard", "password": "guard-pass-123", "roles": ["security"]},
        )
        assert r.status_code == 201, r.text
        unit = office.units[0]["id"]
        for _ in range(120):  # the desk's copy of the payment status, from fees' event
            status = c.get(f"/api/frontdesk/v1/units/{unit}").json()["payment_status"]["status"]
            if status == "arrears":
                break
            c.get("/api/health")  # a round trip, not a sleep
        assert status == "arrears"


def reload_until(page: Any, selector: str, tries: int = 60) -> None:
    """Reload until ``selector`` shows (the other side's event has arrived)."""
    for _ in range(tries):
        if page.locator(selector).count():
            return
        page.wait_for_timeout(500)
        page.reload()
    raise AssertionError(f"{selector} never showed on {page.url}")


def test_visitor_and_release_pass_from_desk_to_gate(system: System) -> None:
    office = make_office(system)
    add_guard(office)
    in_browser(lambda browser: story(browser, office))


def story(browser: Any, office: Office) -> None:
    desk = browser.new_context(viewport=DESK, locale="zh-HK")
    office_desk = browser.new_context(viewport=DESK, locale="zh-HK")
    phone = browser.new_context(viewport=PHONE, locale="zh-HK", is_mobile=True, has_touch=True)
    for ctx in (desk, office_desk, phone):
        ctx.set_default_timeout(WAIT_MS)
    clerk, boss, guard = desk.new_page(), office_desk.new_page(), phone.new_page()

    # --- a visitor registered and identified at the desk --------------------------------------
    sign_in(clerk, office, "clerk", "/visits/new")
    clerk.fill("#f-visitor_name", "黃小明")
    clerk.fill("#f-id_number", "K7654321")
    clerk.fill("#f-purpose", "送交文件")
    clerk.select_option("#f-host_department", "engineering")
    clerk.click("#visit-form button[type=submit]")
    clerk.wait_for_url(re.compile(r"/visits/[0-9a-f-]+\?registered=1$"))
    assert "K*****21" in clerk.inner_text("main")
    clerk.click("#action-confirm-identity button[type=submit]")  # document not ticked
    assert clerk.locator("[data-field-error=document_checked]").count() == 1
    clerk.select_option("#f-document_kind", "hkid")
    clerk.check("input[name=document_checked]")
    clerk.click("#action-confirm-identity button[type=submit]")
    clerk.wait_for_selector("text=已確認身份")
    visit_url = clerk.url.split("?")[0]
    screenshot(clerk, "desk-visit")
    clerk.goto(f"{office.url}/visits")
    assert clerk.locator("[data-visit]").count() == 1
    screenshot(clerk, "desk-visits")

    # --- a release pass for a unit in arrears: the manager's override is missing --------------
    clerk.goto(f"{office.url}/release-passes/new")
    clerk.fill("#unit-q", "12F-3")
    clerk.wait_for_selector("#unit-choices input[name=unit_id]")
    clerk.fill("#party-q", "陳大文")
    clerk.wait_for_selector("#party-choices input[name=party_id]")
    clerk.fill("#f-item_1", "梳化")
    clerk.fill("#f-item_2", "紙箱")
    clerk.fill("#f-qty_2", "10")
    clerk.fill("#f-reason", "遷出")
    planned = datetime.now(ZoneInfo("Asia/Hong_Kong")) + timedelta(hours=1)
    clerk.fill("#f-planned_at", planned.strftime("%Y-%m-%dT%H:%M"))
    clerk.click("#pass-form button[type=submit]")
    clerk.wait_for_url(re.compile(r"/release-passes/[0-9a-f-]+$"))
    pass_url = clerk.url
    assert clerk.locator("[data-missing=override]").count() == 1
    assert clerk.locator("form[action$='/issue']").count() == 0
    screenshot(clerk, "desk-pass-arrears")

    sign_in(boss, office, "boss", pass_url.removeprefix(office.url))
    boss.fill("#action-override textarea[name=reason]", "已簽分期還款協議")
    boss.click("#action-override button[type=submit]")
    boss.wait_for_selector("[data-override]")
    assert "已簽分期還款協議" in boss.inner_text("[data-override]")

    clerk.reload()
    clerk.click("form[action$='/issue'] button")
    clerk.wait_for_selector("text=已簽發")
    screenshot(clerk, "desk-pass-issued")
    clerk.click("text=列印給門崗")
    clerk.wait_for_url(re.compile(r"/print$"))
    assert clerk.locator(".printable tbody tr").count() == 2
    screenshot(clerk, "desk-pass-print")

    # --- at the gate, on a phone --------------------------------------------------------------
    sign_in(guard, office, "guard", "/gate")
    reload_until(guard, "[data-pass]")
    reload_until(guard, "[data-visitor]")
    screenshot(guard, "phone-gate")
    guard.click("[data-visitor] button[type=submit]")
    guard.wait_for_url(re.compile(r"/gate\?done=enter$"))
    guard.click("[data-pass] button[type=submit]")  # no answer chosen: refused, nothing done
    assert guard.locator("[data-pass] [data-field-error=items_match]").count() == 1
    guard.check("[data-pass] input[name=items_match][value=yes]")
    guard.fill("[data-pass] input[name=notes]", "物品相符")
    guard.click("[data-pass] button[type=submit]")
    guard.wait_for_url(re.compile(r"/gate\?done=check$"))
    assert guard.locator("[data-pass]").count() == 0
    screenshot(guard, "phone-gate-after")

    # --- back at the desk: the gate's steps have come back ------------------------------------
    clerk.goto(pass_url)
    reload_until(clerk, "text=門崗已放行")
    assert "物品相符" in clerk.inner_text("main")
    screenshot(clerk, "desk-pass-released")
    clerk.goto(visit_url)
    reload_until(clerk, ".counts >> text=在場")
    screenshot(clerk, "desk-visit-on-site")
