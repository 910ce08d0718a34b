"""The manager's and the admin's pages, live queues and the bell, in a real browser against the
real system: a technician's task queue (a second browser context, on a phone) shows a new task
without a reload and their bell counts it; the manager's dashboard counts the complaint the
clerk recorded, as a chart, a table and a CSV; an admin creates a user (a form error first),
deactivates them, sees every service's health and replays a dead letter; roles that may not
see these pages do not. Screenshots (desk and phone) go to var/screenshots/."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
import nats
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
from system_harness import ADMIN_PASSWORD, System, blocking

# the bell's count once its partial has loaded (it loads after the page)
BELL_IS = (
    "(document.querySelector('[data-bell] .bell-count') || {dataset: {}}).dataset.unread === '%s'"
)

pytestmark = [pytest.mark.system, pytest.mark.browser, pytest.mark.timeout(600)]


async def poison(system: System) -> None:
    """A message no one can read, on a subject the front desk consumes: a dead letter there."""
    nc = await nats.connect(system.nats_url)
    try:
        js = nc.jetstream()
        await js.publish(
            f"{system.namespace}.propops.fees.account.status_changed.v1", b"not an event"
        )
    finally:
        await nc.close()


def api(office: Office, username: str, password: str) -> httpx.Client:
    c = httpx.Client(base_url=office.url, timeout=30)
    r = c.post("/api/auth/token", data={"username": username, "password": password})
    c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    return c


def test_dashboard_admin_live_queue_and_bell(make_system) -> None:
    system = make_system(PROPOPS_USER_CACHE_SECONDS="0")
    system.start()
    office = make_office(system)
    blocking(poison(system))
    in_browser(lambda browser: story(browser, office))


def story(browser, office: Office) -> None:
    desk = browser.new_context(viewport=DESK, locale="zh-HK")
    phone = browser.new_context(viewport=PHONE, locale="zh-HK", is_mobile=True, has_touch=True)
    for ctx in (desk, phone):
        ctx.set_default_timeout(WAIT_MS)
    boss = desk.new_page()
    tech = phone.new_page()

    # --- a technician's queue, open on a phone: nothing yet, bell quiet ---------------------
    sign_in(tech, office, "tech", "/tasks?department=engineering&view=all")
    tech.wait_for_selector("body[data-live=on]")  # the live stream is connected
    assert tech.locator("[data-bell] .bell-count").get_attribute("data-unread") == "0"
    tech.evaluate("window.__sameDocument = true")

    # --- the clerk records, classifies and dispatches a complaint (through the API) ----------
    clerk = api(office, "clerk", office.passwords["clerk"])
    r = clerk.post(
        "/api/frontdesk/v1/complaints",
        json={
            "property_id": office.property["id"],
            "unit_id": office.units[0]["id"],
            "channel": "phone",
            "description": "升降機停在12樓",
        },
    )
    assert r.status_code == 201, r.text
    complaint = r.json()["id"]
    r = clerk.post(
        f"/api/frontdesk/v1/complaints/{complaint}/classify",
        json={"nature": "valid", "department": "engineering", "priority": "urgent"},
    )
    assert r.status_code == 200, r.text
    assert clerk.post(f"/api/frontdesk/v1/complaints/{complaint}/dispatch").status_code == 200

    # --- live: the work order appears in the tech's queue without a reload; the bell rings ----
    tech.wait_for_selector(f"#tasks [data-complaint='{complaint}']")
    assert tech.evaluate("window.__sameDocument") is True  # no reload happened
    bell = tech.locator("[data-bell] .bell-count")
    tech.wait_for_function(BELL_IS % "1")
    assert bell.inner_text().strip() == "1"
    screenshot(tech, "phone-tasks-live")
    tech.click("[data-bell]")
    tech.wait_for_url(re.compile(r"/notifications$"))
    note = tech.locator("[data-notification=task_created]")
    assert "工程部" in note.inner_text()
    screenshot(tech, "phone-notifications")
    note.locator("button").click()  # opens the task and marks it read
    tech.wait_for_url(re.compile(r"/tasks/engineering/"))
    tech.wait_for_function(BELL_IS % "0")

    # --- the manager's dashboard counts it: chart, table, CSV ---------------------------------
    sign_in(boss, office, "boss", "/manager")
    assert boss.locator("[data-kpi=recorded]").inner_text().strip() == "1"
    assert boss.locator("[data-kpi=open]").inner_text().strip() == "1"
    assert boss.locator("[data-figure=per_day] canvas").count() == 1
    boss.wait_for_function(
        "!!window.Chart && Chart.getChart(document.querySelector('[data-figure=per_day] canvas'))"
    )
    today = datetime.now(UTC).date().isoformat()
    per_day = boss.locator("[data-table=per_day] tbody tr").last
    assert per_day.locator("td").last.text_content().strip() == "1"
    depts = boss.locator("[data-table=departments] tbody tr")
    assert depts.count() == 1
    assert depts.first.locator("th").text_content().strip() == "工程部"
    csv = boss.request.get(f"{office.url}/manager/per_day.csv")
    assert csv.status == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text().lstrip("\ufeff").splitlines()
    assert lines[0].startswith("日期") and lines[-1].startswith(today) and lines[-1].endswith(",1")
    # the urgent complaint rang the manager's bell
    boss.wait_for_function(BELL_IS % "1")
    screenshot(boss, "desk-manager-dashboard")
    # a period the wrong way round: the error next to its field, the values kept
    boss.fill("#f-from", "2026-03-01")
    boss.fill("#f-to", "2026-02-01")
    boss.click("form[action='/manager'] button[type=submit]")
    assert boss.locator("[data-field-error=from]").is_visible()
    assert boss.input_value("#f-from") == "2026-03-01"
    # a manager sees no admin page, nor its nav entries
    assert boss.locator("nav a[href='/admin/users']").count() == 0
    assert boss.goto(f"{office.url}/admin/users").status == 403
    dash_phone = phone.new_page()
    phone.clear_cookies()
    sign_in(dash_phone, office, "boss", "/manager")
    screenshot(dash_phone, "phone-manager-dashboard")
    # the clerk sees no dashboard
    clerk_page = desk.new_page()
    clerk_page.context.clear_cookies()
    sign_in(clerk_page, office, "clerk", "/complaints")
    assert clerk_page.goto(f"{office.url}/manager").status == 403
    clerk_page.context.clear_cookies()

    # --- admin: users (a form error first), deactivate; health; dead letters -----------------
    admin = desk.new_page()
    admin.goto(f"{office.url}/signin?next=/admin/users")
    admin.fill("#f-username", "admin")
    admin.fill("#f-password", ADMIN_PASSWORD)
    admin.click("form[action='/signin'] button[type=submit]")
    admin.wait_for_url(re.compile(r"/admin/users$"))
    admin.fill("#f-username", "guard1")
    admin.fill("#f-password", "guard-pass-1")
    admin.click("form[action='/admin/users'] button[type=submit]")  # no role ticked
    assert admin.locator("[data-field-error=roles]").is_visible()
    assert admin.input_value("#f-username") == "guard1"
    admin.check("input[name=roles][value=security]")
    admin.fill("#f-password", "guard-pass-1")
    admin.click("form[action='/admin/users'] button[type=submit]")
    admin.wait_for_selector("tr[data-user=guard1]")
    screenshot(admin, "desk-admin-users")
    admin.click("tr[data-user=guard1] a")
    admin.click("form[action$='/deactivate'] button")
    admin.wait_for_selector("[data-status=inactive]")
    with httpx.Client(base_url=office.url, timeout=30) as c:
        r = c.post("/api/auth/token", data={"username": "guard1", "password": "guard-pass-1"})
        assert r.status_code == 401  # deactivated: cannot sign in
    admin.click("form[action$='/activate'] button")
    admin.wait_for_selector("[data-status=active]")

    admin.goto(f"{office.url}/admin/health")
    cards = admin.locator("[data-service]")
    assert cards.count() == 7  # six services and NATS
    assert admin.locator("[data-service].status-ok").count() == 7
    assert admin.locator("[data-health=ok]").count() == 1
    screenshot(admin, "desk-admin-health")

    admin.goto(f"{office.url}/admin/dead-letters?service=frontdesk")
    admin.wait_for_selector("[data-table=dead-letters] tbody tr")
    rows = admin.locator("[data-table=dead-letters] tbody tr")
    ours = rows.filter(has_text="unparseable")
    assert ours.count() == 1, [rows.nth(i).inner_text()[:300] for i in range(rows.count())]
    screenshot(admin, "desk-admin-dead-letters")
    # replay: the front desk still cannot read it, and the page says so beside the list
    ours.locator("form button").click()
    admin.wait_for_selector("[data-refused]")
    assert "訊息無法解讀" in admin.locator("[data-refused]").inner_text()  # in the page language
    assert (
        admin.locator("[data-table=dead-letters] tbody tr").filter(has_text="unparseable").count()
        == 1
    )

    admin_phone = phone.new_page()
    admin_phone.context.clear_cookies()
    admin_phone.goto(f"{office.url}/signin?next=/admin/users")
    admin_phone.fill("#f-username", "admin")
    admin_phone.fill("#f-password", ADMIN_PASSWORD)
    admin_phone.click("form[action='/signin'] button[type=submit]")
    admin_phone.wait_for_url(re.compile(r"/admin/users$"))
    screenshot(admin_phone, "phone-admin-users")
    admin_phone.goto(f"{office.url}/admin/health")
    screenshot(admin_phone, "phone-admin-health")
    desk.close()
    phone.close()
