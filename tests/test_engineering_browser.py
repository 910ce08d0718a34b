"""Engineering's pages in a real browser against the real system: a technician registers a
lift, gives it a weekly maintenance plan (a bad rule refused next to its field, in Chinese),
sees the generator's preventive work orders on the lift's page, on the overdue list and in
the work-order queue filtered by kind, completes the oldest on a phone, and the lift shows the
service. The manager reads the register without its forms. Screenshots to var/screenshots/."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

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


def test_equipment_plans_and_preventive_work(make_system) -> None:
    system = make_system(PROPOPS_MAINTENANCE_GENERATE_SECONDS="1")
    system.start()
    office = make_office(system)
    dispatch_a_complaint(office)  # engineering then knows the property by name
    in_browser(lambda browser: maintenance_story(browser, office))


def dispatch_a_complaint(office: Office) -> None:
    with httpx.Client(base_url=office.url, timeout=30) as c:
        r = c.post("/api/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD})
        c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        r = c.post(
            "/api/frontdesk/v1/complaints",
            json={
                "property_id": office.property["id"],
                "unit_id": office.units[0]["id"],
                "channel": "phone",
                "description": "A座電梯門關閉時有異響",
            },
        )
        assert r.status_code == 201, r.text
        base = f"/api/frontdesk/v1/complaints/{r.json()['id']}"
        body = {"nature": "valid", "department": "engineering", "priority": "normal"}
        assert c.post(f"{base}/classify", json=body).status_code == 200
        assert c.post(f"{base}/dispatch", json={}).status_code == 200
        for _ in range(120):
            if c.get("/api/engineering/v1/workorders").json()["total"]:
                return
            time.sleep(0.25)
        raise AssertionError("the work order did not arrive")


def maintenance_story(browser, office: Office) -> None:
    desk = browser.new_context(viewport=DESK, locale="zh-HK")
    phone = browser.new_context(viewport=PHONE, locale="zh-HK", is_mobile=True, has_touch=True)
    desk.set_default_timeout(WAIT_MS)
    phone.set_default_timeout(WAIT_MS)
    tech = desk.new_page()

    # --- the register: empty, then a lift registered through the form ------------------------
    sign_in(tech, office, "tech", "/engineering/equipment")
    assert "設備設施" in tech.inner_text("#sidenav") and "逾期保養" in tech.inner_text("#sidenav")
    tech.select_option("#f-property_id", office.property["id"])  # named by the work order
    assert "海港花園" in tech.inner_text("#f-property_id")
    tech.fill("#f-code", "LIFT-A2")
    tech.fill("#f-name", "A座客用電梯2號")
    tech.select_option("#f-category", "lift")
    tech.fill("#f-location", "A座電梯大堂")
    tech.fill("#f-vendor", "奧的斯電梯")
    tech.fill("#f-installed_on", "2019-05-01")
    tech.click("#register-form button[type=submit]")
    tech.wait_for_url(re.compile(r"/engineering/equipment/[0-9a-f-]+$"))
    lift_path = re.sub(r"^https?://[^/]+", "", tech.url)

    # --- a plan: a rule that never occurs is refused next to its field -------------------------
    tech.fill("#f-task", "每月電梯保養")
    tech.fill("#f-rrule", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30")
    tech.fill("#f-lead_days", "3")
    tech.click(f"form[action='{lift_path}/plans'] button[type=submit]")
    error = tech.locator("[data-field-error=rrule]").inner_text()
    assert "此規則永不發生" in error, error
    assert tech.input_value("#f-task") == "每月電梯保養"  # nothing typed is lost
    tech.fill("#f-rrule", "FREQ=WEEKLY;BYDAY=MO")
    tech.fill("#f-starts_on", (date.today() - timedelta(days=30)).isoformat())
    tech.click(f"form[action='{lift_path}/plans'] button[type=submit]")
    tech.wait_for_selector("[data-plan]")

    # --- the generator's work orders on the lift's page (it runs every second here) ----------
    for _ in range(60):
        if tech.locator("[data-task]").count() >= 4:
            break
        time.sleep(0.5)
        tech.reload()
    assert tech.locator("[data-task]").count() >= 4
    assert "定期保養" in tech.inner_text("main")
    screenshot(tech, "desk-equipment")
    tech.goto(f"{office.url}/engineering/equipment")
    assert tech.locator("[data-equipment]").count() == 1
    screenshot(tech, "desk-equipment-register")
    tech.goto(f"{office.url}/tasks?department=engineering&kind=preventive")
    cards = tech.locator("[data-kind]")
    assert cards.count() >= 4 and tech.locator("[data-kind=complaint]").count() == 0
    screenshot(tech, "desk-workorders-preventive")
    tech.goto(f"{office.url}/engineering/maintenance/overdue")
    overdue = tech.locator("[data-task]")
    assert overdue.count() >= 4
    screenshot(tech, "desk-maintenance-overdue")

    # --- on a phone: the oldest overdue one, completed; the lift shows the service -----------
    mobile = phone.new_page()
    sign_in(mobile, office, "tech", "/engineering/maintenance/overdue")
    screenshot(mobile, "phone-maintenance-overdue")
    oldest = mobile.locator("[data-task]").first.get_attribute("data-task")
    mobile.locator("[data-task]").first.click()
    mobile.wait_for_url(re.compile(r"/tasks/engineering/"))
    assert "定期保養" in mobile.inner_text("main")
    mobile.click("form[action$='/assign'] button[type=submit]")
    mobile.click("form[action$='/start'] button")
    mobile.fill("#f-resolution_notes", "檢查曳引繩及制動器，運作正常")
    mobile.click("form[action$='/complete'] button")
    mobile.wait_for_selector(".page-head .badge:has-text('已完成')")
    for _ in range(60):
        mobile.goto(f"{office.url}{lift_path}")
        if "檢查曳引繩及制動器" in mobile.inner_text("main"):
            break
        time.sleep(0.5)
    assert "檢查曳引繩及制動器" in mobile.inner_text("main")
    assert "從未" not in mobile.inner_text("[data-last-serviced]")
    screenshot(mobile, "phone-equipment")
    mobile.goto(f"{office.url}/engineering/maintenance/overdue")
    assert mobile.locator(f"[data-task='{oldest}']").count() == 0

    # --- the manager reads, with no forms --------------------------------------------------------
    boss = desk.new_page()
    sign_in(boss, office, "boss", lift_path)
    assert "A座客用電梯2號" in boss.inner_text("main")
    assert boss.locator(f"form[action='{lift_path}/plans']").count() == 0
