"""Security's pages and the desk's security alerts in a real browser against the real system:
a guard sees the posts with today's coverage, meets a roster clash in the shift form, records a
failing post check, walks a patrol on a phone (scans one checkpoint of two, finishes), reports a
critical incident; the clerk finds the three alerts on the desk and acknowledges one; the
manager reads them in English. Screenshots (desk and phone) go to var/screenshots/."""

from __future__ import annotations

import time as clock
from datetime import datetime, time, timedelta
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
from system_harness import ADMIN_PASSWORD

pytestmark = [pytest.mark.system, pytest.mark.browser, pytest.mark.timeout(600)]
HK = ZoneInfo("Asia/Hong_Kong")


def client(office: Office, username: str, password: str) -> httpx.Client:
    c = httpx.Client(base_url=office.url, timeout=30)
    r = c.post("/api/auth/token", data={"username": username, "password": password})
    assert r.status_code == 200, r.text
    c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    return c


def security_setup(office: Office) -> dict[str, str]:
    """A guard, two posts with a shift, and a patrol route (hourly, so one is always due)."""
    admin = client(office, "admin", ADMIN_PASSWORD)
    office.passwords["guard"] = "guard-pass-123"
    r = admin.post(
        "/api/users",
        json={"username": "guard", "password": "guard-pass-123", "roles": ["security"]},
    )
    assert r.status_code == 201, r.text
    guard = client(office, "guard", office.passwords["guard"])
    pid = office.property["id"]
    gate = guard.post(
        "/api/security/v1/posts",
        json={
            "property_id": pid,
            "code": "G1",
            "name": "正門",
            "kind": "gate",
            "hours": [{"from": "07:00", "to": "23:00"}],
        },
    ).json()
    guard.post(
        "/api/security/v1/posts",
        json={
            "property_id": pid,
            "code": "L1",
            "name": "大堂",
            "kind": "lobby",
            "hours": [{"from": "00:00", "to": "00:00"}],
        },
    )
    today = datetime.now(HK).date()
    shift = {
        "post_id": gate["id"],
        "guard": "guard",
        "start": datetime.combine(today, time(7), HK).isoformat(),
        "end": datetime.combine(today, time(15), HK).isoformat(),
    }
    for _ in range(60):  # the service's copy of the users hears of the guard by an event
        r = guard.post("/api/security/v1/shifts", json=shift)
        if r.status_code != 422:
            break
        clock.sleep(0.5)
    assert r.status_code == 201, r.text
    r = guard.post(
        "/api/security/v1/patrol-routes",
        json={
            "property_id": pid,
            "name": "夜間巡邏",
            "checkpoints": [{"code": "CP1", "name": "停車場B2"}, {"code": "CP2", "name": "天台"}],
            "rrule": "FREQ=HOURLY;BYMINUTE=0",
            "window_minutes": 60,
        },
    )
    assert r.status_code == 201, r.text
    # the patrol due now is the first top of the hour after the route was made (its window opens
    # an hour before): on the sheet of its own day, tomorrow's between 23:00 and midnight
    made = datetime.fromisoformat(r.json()["created_at"]).astimezone(HK)
    due = made.replace(minute=0, second=0, microsecond=0)
    if due < made:
        due += timedelta(hours=1)
    # a nightly lock-up round whose window opens a whole day before: tomorrow's 00:00 patrol is
    # due now, on today's sheet as the next day's
    r = guard.post(
        "/api/security/v1/patrol-routes",
        json={
            "property_id": pid,
            "name": "天台鎖門",
            "checkpoints": [{"code": "R1", "name": "天台門"}],
            "rrule": "FREQ=DAILY;BYHOUR=0;BYMINUTE=0",
            "window_minutes": 24 * 60,
        },
    )
    assert r.status_code == 201, r.text
    return {
        "property_id": pid,
        "gate": gate["id"],
        "day": today.isoformat(),
        "patrol_day": due.date().isoformat(),
    }


def test_security_pages_and_the_desks_alerts(make_system) -> None:
    system = make_system(PROPOPS_USER_CACHE_SECONDS="0")
    system.start()
    office = make_office(system)
    setup = security_setup(office)
    in_browser(lambda browser: story(browser, office, setup))


def story(browser, office: Office, setup: dict[str, str]) -> None:
    desk = browser.new_context(viewport=DESK, locale="zh-HK")
    phone = browser.new_context(viewport=PHONE, locale="zh-HK", is_mobile=True, has_touch=True)
    for ctx in (desk, phone):
        ctx.set_default_timeout(WAIT_MS)
    guard = desk.new_page()
    pid = setup["property_id"]

    # --- posts with today's coverage --------------------------------------------------------
    sign_in(guard, office, "guard", f"/security?property_id={pid}")
    guard.wait_for_selector("[data-post=G1] .cover-bar .seg.staffed")
    assert guard.locator("[data-post=G1] .seg.unstaffed").count() == 1  # 15:00-23:00
    assert "無人當值" in guard.inner_text("[data-post=L1]")
    screenshot(guard, "desk-security-posts")

    # --- the roster: a clash is told next to the guard ---------------------------------------
    guard.goto(f"{office.url}/security/roster?property_id={pid}&date={setup['day']}")
    guard.fill("#f-guard", "guard")
    guard.fill("#f-start", "12:00")
    guard.fill("#f-end", "18:00")
    guard.click("form[action='/security/shifts'] button[type=submit]")
    guard.wait_for_selector("[data-field-error=guard]")
    assert "已在崗位" in guard.inner_text("[data-field-error=guard]")
    guard.fill("#f-start", "15:00")
    guard.fill("#f-end", "23:00")
    guard.click("form[action='/security/shifts'] button[type=submit]")
    guard.wait_for_selector("[data-roster] tbody tr:nth-child(2)")
    screenshot(guard, "desk-security-roster")

    # --- a failing post check ---------------------------------------------------------------
    guard.goto(f"{office.url}/security/post-checks?property_id={pid}")
    guard.uncheck("input[name=alert]")
    guard.fill("#f-notes", "當值保安打瞌睡")
    guard.click("form[action='/security/post-checks'] button[type=submit]")
    guard.wait_for_selector(".alert-warn")
    assert "不合格" in guard.inner_text("[data-checks]")
    screenshot(guard, "desk-security-post-checks")

    # --- a patrol on a phone: one checkpoint of two, then finish ----------------------------
    walker = phone.new_page()
    sheet = f"/security/patrols?property_id={pid}&date={setup['patrol_day']}"
    sign_in(walker, office, "guard", sheet)
    walker.click("[data-sheet] tr[data-state=due]:has-text('夜間巡邏') button[type=submit]")
    walker.wait_for_selector("[data-checkpoint=CP1] form")
    walker.click("[data-checkpoint=CP1] button[value=yes]")
    walker.wait_for_selector("[data-checkpoint=CP1].done")
    screenshot(walker, "phone-security-patrol")
    walker.click("form[action$='/finish'] button[type=submit]")
    walker.wait_for_selector("text=漏巡巡更點")
    walker.goto(f"{office.url}{sheet}")
    walker.wait_for_selector("[data-sheet] [data-state=missed]")
    screenshot(walker, "phone-security-patrol-sheet")
    # today's sheet ends with the lock-up round's patrol of tomorrow 00:00, due now
    walker.goto(f"{office.url}/security/patrols?property_id={pid}&date={setup['day']}")
    row = walker.locator("[data-sheet] tr:has([data-next-day])")
    assert row.count() == 1 and "天台鎖門" in row.inner_text() and "翌日" in row.inner_text()
    assert row.get_attribute("data-state") == "due"

    # --- a critical incident -----------------------------------------------------------------
    guard.goto(f"{office.url}/security/incidents?property_id={pid}")
    guard.select_option("#f-kind", "intrusion")
    guard.select_option("#f-severity", "critical")
    guard.fill("#f-location", "停車場B2 後門")
    guard.fill("#f-description", "後門被撬開，已報警")
    guard.click("form[method=post][action='/security/incidents'] button[type=submit]")
    guard.wait_for_selector("[data-incidents] .item-card, .alert-error")
    assert guard.locator(".alert-error").count() == 0, guard.inner_text("main")
    screenshot(guard, "desk-security-incidents")

    # --- the desk: three alerts; acknowledge the post check ----------------------------------
    clerk = desk.new_page()
    sign_in(clerk, office, "clerk", "/security-alerts")
    for _ in range(60):
        if clerk.locator("[data-alerts] [data-alert]").count() == 3:
            break
        clerk.wait_for_timeout(500)
        clerk.reload()
    kinds = sorted(
        clerk.locator("[data-alert]").evaluate_all("els => els.map(e => e.dataset.alert)")
    )
    assert kinds == ["incident", "patrol_missed", "post_check_failed"]
    screenshot(clerk, "desk-security-alerts")
    card = clerk.locator("[data-alert=post_check_failed]")
    card.locator("summary").click()
    card.locator("textarea").fill("已通知保安隊長")
    card.locator("button[type=submit]").click()
    clerk.wait_for_selector("[data-alerts] [data-alert] >> nth=1")
    assert clerk.locator("[data-alert=post_check_failed]").count() == 0
    clerk.goto(f"{office.url}/security-alerts?status=acknowledged")
    assert "已通知保安隊長" in clerk.inner_text("[data-alert=post_check_failed]")

    # --- the manager reads them, in English, with no actions ----------------------------------
    boss = desk.new_page()
    sign_in(boss, office, "boss", "/security-alerts?status=all")
    boss.click(".lang-switch button[value=en]")
    boss.wait_for_selector("html[lang=en]")
    assert boss.locator("[data-alert]").count() == 3
    assert boss.locator("form[action$='/acknowledge']").count() == 0
    assert "Missed patrol" in boss.inner_text("[data-alerts]")
    screenshot(boss, "desk-security-alerts-en")
    boss.goto(f"{office.url}/security?property_id={pid}")
    boss.wait_for_selector("[data-post=G1]")
    assert boss.locator("form[action='/security/posts']").count() == 0
    screenshot(boss, "desk-security-posts-en")
