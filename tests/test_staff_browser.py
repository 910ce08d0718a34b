"""The desk's own staff in a real browser against the real system: the supervisor (客服領班, a
front-desk user with ``supervisor``, not a manager) puts a clerk on two shifts, one starting soon
and one in two days; the clerk asks for leave on the second; the supervisor is told (the bell),
goes from the notification to the leave page, approves it there and finds that shift marked
uncovered on the week's roster; the clerk clocks in on a phone from "my shifts", and sees
neither the approval nor the roster's changes. Screenshots
(desk and phone) go to var/screenshots/."""

from __future__ import annotations

import re
import time as clock
from datetime import UTC, datetime, timedelta
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

pytestmark = [pytest.mark.system, pytest.mark.browser, pytest.mark.timeout(600)]
HK = ZoneInfo("Asia/Hong_Kong")
FD = "/api/frontdesk/v1"


def bearer(c: httpx.Client, office: Office, username: str) -> dict[str, str]:
    r = c.post(
        "/api/auth/token",
        data={"username": username, "password": office.passwords[username]},
    )
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def setup(office: Office) -> dict[str, str]:
    with httpx.Client(base_url=office.url, timeout=30) as c:
        clerk, chief = bearer(c, office, "clerk"), bearer(c, office, "chief")
        pid = office.property["id"]
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        soon, later = now + timedelta(minutes=10), now + timedelta(days=2)
        ids = []
        for start, post in ((soon, "reception"), (later, "lobby")):
            body = {
                "property_id": pid,
                "user": "clerk",
                "post": post,
                "start": start.isoformat(),
                "end": (start + timedelta(hours=8)).isoformat(),
            }
            # the roster is the supervisor's: a plain clerk may not add a shift
            assert c.post(f"{FD}/staff-shifts", json=body, headers=clerk).status_code == 403
            for _ in range(60):  # the service's copy of the users hears of the clerk by an event
                r = c.post(f"{FD}/staff-shifts", json=body, headers=chief)
                if r.status_code != 422:
                    break
                clock.sleep(0.5)
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
        leave_day = later.astimezone(HK).date().isoformat()
        r = c.post(
            f"{FD}/leave-requests",
            json={
                "property_id": pid,
                "user": "clerk",
                "from": leave_day,
                "to": leave_day,
                "kind": "annual",
            },
            headers=clerk,
        )
        assert r.status_code == 201, r.text
    return {
        "property_id": pid,
        "soon": ids[0],
        "later": ids[1],
        "leave": r.json()["id"],
        "later_day": leave_day,
    }


def test_supervisor_approves_leave_and_clerk_clocks_in(make_system) -> None:
    system = make_system(PROPOPS_USER_CACHE_SECONDS="0")
    system.start()
    office = make_office(system)
    data = setup(office)
    in_browser(lambda browser: story(browser, office, data))


def story(browser, office: Office, data: dict[str, str]) -> None:
    desk = browser.new_context(viewport=DESK, locale="zh-HK")
    phone = browser.new_context(viewport=PHONE, locale="zh-HK", is_mobile=True, has_touch=True)
    for ctx in (desk, phone):
        ctx.set_default_timeout(WAIT_MS)
    pid = data["property_id"]

    # --- the supervisor hears of the request (the bell) and goes from it to the leave page ----
    boss = desk.new_page()
    sign_in(boss, office, "chief", "/notifications")
    told = f"clerk 申請請假：{data['later_day']} 至 {data['later_day']}"
    for _ in range(120):  # the gateway hears of the request by an event
        if told in boss.inner_text("main"):
            break
        boss.wait_for_timeout(500)
        boss.reload()
    note = boss.locator("[data-notification=leave_requested]")
    assert told in note.inner_text()
    screenshot(boss, "desk-staff-leave-notification")
    note.locator("button").click()
    boss.wait_for_url(re.compile(rf"/staff/leave\?property_id={pid}$"))
    # --- the supervisor approves the leave, then sees the shift it uncovers -------------------
    row = f"[data-leave-id='{data['leave']}']"
    boss.wait_for_selector(row)
    assert "年假" in boss.inner_text(row)
    screenshot(boss, "desk-staff-leave")
    boss.click(f"{row} form[action$='/approve'] button")
    boss.wait_for_selector("[data-roster-day]")
    boss.goto(f"{office.url}/staff?property_id={pid}&date={data['later_day']}")
    shift = f"[data-shift='{data['later']}']"
    boss.wait_for_selector(f"{shift} [data-flag=uncovered]")
    assert "無人當值" in boss.inner_text(f"{shift} [data-flag=uncovered]")
    assert boss.locator("[data-uncovered-count]").count() == 1
    assert boss.locator(f"{shift} form[action$='/reassign']").count() == 1
    assert boss.locator("form[action='/staff/shifts']").count() == 1  # add a shift
    screenshot(boss, "desk-staff-roster")

    # --- the clerk clocks in on a phone ----------------------------------------------------------
    clerk = phone.new_page()
    sign_in(clerk, office, "clerk", "/staff/mine")
    card = f"[data-my-shifts] [data-shift='{data['soon']}']"
    clerk.wait_for_selector(f"{card} form[action$='/clock-in'] button")
    # the shift on leave shows no clock-in, but says why
    assert clerk.locator(f"[data-shift='{data['later']}'] form").count() == 0
    screenshot(clerk, "phone-staff-mine")
    clerk.click(f"{card} form[action$='/clock-in'] button")
    clerk.wait_for_selector(f"{card} form[action$='/clock-out'] button")
    # ten minutes before the start is later than the 20 minutes the manual asks for
    assert clerk.locator(f"{card} [data-flag=late]").count() == 1
    screenshot(clerk, "phone-staff-clocked-in")
    # a plain clerk neither changes the roster nor decides on leave
    clerk.goto(f"{office.url}/staff?property_id={pid}&date={data['later_day']}")
    clerk.wait_for_selector(shift)
    assert clerk.locator("form[action='/staff/shifts']").count() == 0
    assert clerk.locator(f"{shift} form[action$='/reassign']").count() == 0
    clerk.goto(f"{office.url}/staff/leave?status=all")
    clerk.wait_for_selector(row)
    assert clerk.locator(f"{row} form[action$='/approve']").count() == 0
    screenshot(clerk, "phone-staff-leave-clerk")
    desk.close()
    phone.close()
