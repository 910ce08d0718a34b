"""Cleaning and greening in a real browser against the real system: a cleaner adds an area and
its daily schedule (the schedules' job makes today's task, shown on the schedules page and
opened on the department's task page), fails a hygiene check on a phone (a task is raised at
once), and follows the greening contractor's jobs: progress bars, the late mark, a progress
report. Both languages. Screenshots (desk and phone) go to var/screenshots/."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from propops.timezones import DEFAULT_TIME_ZONE, today_in

from browser_harness import DESK, PHONE, WAIT_MS, in_browser, screenshot
from system_harness import ADMIN_PASSWORD

pytestmark = [pytest.mark.system, pytest.mark.browser, pytest.mark.timeout(600)]
PASSWORD = "lin-pass-123"


def day(n: int) -> str:
    return (today_in(DEFAULT_TIME_ZONE) + timedelta(days=n)).isoformat()


def prepare(url: str) -> dict[str, str]:
    """A cleaner, a property, and the greening contractor with one job on time and one late."""
    with httpx.Client(base_url=url, timeout=30) as c:
        r = c.post("/api/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD})
        c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        r = c.post(
            "/api/users", json={"username": "lin", "password": PASSWORD, "roles": ["cleaning"]}
        )
        assert r.status_code == 201, r.text
        prop = c.post(
            "/api/frontdesk/v1/properties", json={"code": "HGV", "name": "海港花園"}
        ).json()
        contractor = c.post(
            "/api/cleaning/v1/contractors",
            json={"name": "長青園藝有限公司", "phone": "2345 6789", "scope": "平台花園種植及養護"},
        ).json()
        jobs = [
            ("planting", "平台花園種植杜鵑", -10, 10),
            ("maintenance", "修剪大門樹籬", 0, 5),
        ]
        for kind, text, start, finish in jobs:
            r = c.post(
                "/api/cleaning/v1/greening-jobs",
                json={
                    "property_id": prop["id"],
                    "contractor_id": contractor["id"],
                    "kind": kind,
                    "description": text,
                    "start_date": day(start),
                    "expected_finish": day(finish),
                },
            )
            assert r.status_code == 201, r.text
        return {"property_id": prop["id"]}


def sign_in(page, url: str, path: str) -> None:
    page.goto(f"{url}/signin?next={path}")
    page.fill("#f-username", "lin")
    page.fill("#f-password", PASSWORD)
    page.click("form[action='/signin'] button[type=submit]")
    page.wait_for_load_state()


def test_cleaning_areas_schedules_hygiene_and_greening(make_system) -> None:
    system = make_system(PROPOPS_SCHEDULE_SWEEP_SECONDS="1")
    system.start()
    office = prepare(system.gateway_url)
    in_browser(lambda browser: story(browser, system.gateway_url, office))


def story(browser, url: str, office: dict[str, str]) -> None:
    desk = browser.new_context(viewport=DESK, locale="zh-HK")
    phone = browser.new_context(viewport=PHONE, locale="zh-HK", is_mobile=True, has_touch=True)
    for ctx in (desk, phone):
        ctx.set_default_timeout(WAIT_MS)
    page = desk.new_page()

    # --- an area (the property typed: a cleaner cannot read the register), then its schedule --
    sign_in(page, url, "/cleaning/areas")
    page.fill("#f-property_id", office["property_id"])
    page.fill("#f-code", "a-lobby")
    page.fill("#f-name", "A座大堂")
    page.select_option("#f-kind", "lobby")
    page.click("form[method=post][action='/cleaning/areas'] button[type=submit]")
    page.wait_for_url(re.compile(r"added=1"))
    page.click("text=A座大堂")
    page.wait_for_url(re.compile(r"/cleaning/areas/[0-9a-f-]{36}$"))
    area_path = re.sub(r"^https?://[^/]+", "", page.url)
    page.fill("#f-task", "大堂地面清潔")
    page.fill("#f-rrule", "FREQ=HOURLY")
    page.click(f"form[action='{area_path}/schedules'] button[type=submit]")
    assert page.locator("[data-field-error=rrule]").is_visible()  # at most once a day
    assert page.input_value("#f-task") == "大堂地面清潔"
    page.fill("#f-rrule", "FREQ=DAILY")
    page.click(f"form[action='{area_path}/schedules'] button[type=submit]")
    page.wait_for_url(re.compile(r"done=schedule"))
    assert page.locator("[data-schedule]").count() == 1

    # --- today's task, made by the schedules' job, opens on the department's task page ------
    page.goto(f"{url}/cleaning/schedules")
    for _ in range(30):
        if page.locator("#todays-tasks [data-task]").count():
            break
        page.wait_for_timeout(1000)
        page.reload()
    assert page.locator("#todays-tasks [data-task]").count() == 1
    screenshot(page, "desk-cleaning-schedules")
    page.click("#todays-tasks [data-task]")
    page.wait_for_url(re.compile(r"/tasks/cleaning/"))
    assert "大堂地面清潔" in page.inner_text("h1")

    # --- on a phone: a failed hygiene check raises a task at once ----------------------------
    mobile = phone.new_page()
    sign_in(mobile, url, area_path)
    mobile.check("input[name=passed][value=no]")
    mobile.click(f"form[action='{area_path}/hygiene-checks'] button[type=submit]")
    assert mobile.locator("[data-field-error=notes]").is_visible()  # say what was found
    mobile.check("input[name=passed][value=no]")
    mobile.fill("#f-notes", "地面濕滑，垃圾桶已滿")
    mobile.click(f"form[action='{area_path}/hygiene-checks'] button[type=submit]")
    mobile.wait_for_url(re.compile(r"done=failed"))
    assert "已開立清潔工作單" in mobile.inner_text("[role=status]")
    screenshot(mobile, "phone-cleaning-area")
    page.goto(f"{url}{area_path}")
    screenshot(page, "desk-cleaning-area")
    page.goto(f"{url}/cleaning/hygiene")
    assert page.locator("[data-check]").count() == 1
    screenshot(page, "desk-cleaning-hygiene")

    # --- greening: the late job marked, a progress report brings the other one up to date ---
    page.goto(f"{url}/greening")
    late = page.locator("tr[data-late=true]")
    assert late.count() == 1 and "平台花園種植杜鵑" in late.inner_text()
    assert page.locator(".progress.is-late").count() == 1
    screenshot(page, "desk-greening")
    page.click("text=平台花園種植杜鵑")
    page.wait_for_url(re.compile(r"/greening/jobs/"))
    page.fill("#f-percent", "60")
    page.fill("#f-notes", "東面花槽完成")
    page.click("form[action$='/progress'] button[type=submit]")
    page.wait_for_load_state()
    assert "東面花槽完成" in page.inner_text(".timeline")
    assert page.locator(".progress.is-late").count() == 0
    mobile.goto(page.url)
    screenshot(mobile, "phone-greening-job")
    page.goto(f"{url}/greening?late=true")
    assert page.locator("tr[data-late=true]").count() == 0

    # --- the same pages in English ------------------------------------------------------------
    page.click("form[action='/language'] button[value=en]")
    page.wait_for_load_state()
    page.goto(f"{url}/greening")
    assert "Greening" in page.inner_text("h1") and "Planting" in page.inner_text("main")
    screenshot(page, "desk-greening-en")
