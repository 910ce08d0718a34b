"""Inspections in a real browser against the real system: the clerk opens the property's
checklists (seeded from the manual), starts a greening round, marks one item failed with a
note and submits; the nonconformance goes to cleaning, whose task is completed; the clerk's
follow-up check closes it. A failed notice board (the desk's own item, no task) is rectified
by the clerk's word (已整改) and then checked like the others. Screenshots to var/screenshots/."""

from __future__ import annotations

import re
import time

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


def test_inspection_round_and_nonconformance_pages(make_system) -> None:
    system = make_system()
    system.start()
    office = make_office(system)
    in_browser(lambda browser: story(browser, office))


def complete_cleaning_task(office: Office, nc_id: str) -> None:
    """The cleaning department does its work (through the API: its pages are tested elsewhere)."""
    with httpx.Client(base_url=office.url, timeout=30) as c:
        r = c.post("/api/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD})
        c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        r = c.post(
            "/api/users",
            json={"username": "cleaner", "password": "cleaner-pass-123", "roles": ["cleaning"]},
        )
        assert r.status_code == 201, r.text
        for _ in range(120):
            items = c.get("/api/cleaning/v1/tasks", params={"source_id": nc_id}).json()["items"]
            if items:
                break
            time.sleep(0.25)
        else:
            raise AssertionError("the cleaning task did not arrive")
        base = f"/api/cleaning/v1/tasks/{items[0]['id']}"
        for _ in range(120):  # the cleaning service learns of the new user by event
            if c.post(f"{base}/assign", json={"assignee": "cleaner"}).status_code == 200:
                break
            time.sleep(0.25)
        assert c.post(f"{base}/start", json={}).status_code == 200
        r = c.post(f"{base}/complete", json={"resolution_notes": "除草完成"})
        assert r.status_code == 200, r.text


def story(browser, office: Office) -> None:
    desk = browser.new_context(viewport=DESK, locale="zh-HK")
    phone = browser.new_context(viewport=PHONE, locale="zh-HK", is_mobile=True, has_touch=True)
    desk.set_default_timeout(WAIT_MS)
    phone.set_default_timeout(WAIT_MS)
    clerk = desk.new_page()

    sign_in(clerk, office, "clerk", f"/inspections?property_id={office.property['id']}")
    assert "巡查" in clerk.inner_text("#sidenav") and "不合格" in clerk.inner_text("#sidenav")
    main = clerk.inner_text("main")
    assert "日常檢查" in main and "無人打瞌睡" in main  # the manual's checklists, in Chinese
    screenshot(clerk, "desk-inspections")

    card = clerk.locator("article.item-card", has_text="綠化檢查")
    card.locator("input[name=location]").fill("平台花園")
    card.locator("button[type=submit]").click()
    clerk.wait_for_url(re.compile(r"/inspections/[0-9a-f-]+$"))
    clerk.check("input[name=result-planting][value=pass]")
    clerk.check("input[name=result-maintenance][value=fail]")
    clerk.select_option("select[name=severity-maintenance]", "major")
    clerk.fill("input[name=note-maintenance]", "花槽雜草叢生")
    clerk.click("button[name=submit]")
    clerk.wait_for_selector("#nc-h")
    assert "已提交" in clerk.inner_text("main") or "Submitted" in clerk.inner_text("main")
    screenshot(clerk, "desk-inspection-round")
    nc_link = clerk.locator("#nc-h + ul a").first.get_attribute("href") or ""
    nc_id = nc_link.split("#nc-")[-1]

    # the notice boards are the desk's own item: no department task, the desk says 已整改
    clerk.goto(f"{office.url}/inspections?property_id={office.property['id']}")
    clerk.locator("article.item-card", has_text="日常檢查").locator("button[type=submit]").click()
    clerk.wait_for_url(re.compile(r"/inspections/[0-9a-f-]+$"))
    for code in ("hygiene", "equipment", "patrol_logs"):
        clerk.check(f"input[name=result-{code}][value=na]")
    clerk.check("input[name=result-notice_boards][value=fail]")
    clerk.fill("input[name=note-notice_boards]", "公告欄通知過期")
    clerk.click("button[name=submit]")
    clerk.wait_for_selector("#nc-h")
    desk_nc = (clerk.locator("#nc-h + ul a").first.get_attribute("href") or "").split("#nc-")[-1]
    clerk.goto(f"{office.url}/nonconformances?status=open")
    assert clerk.locator(f"#rn-{nc_id}").count() == 0  # cleaning's: rectified by its task
    clerk.fill(f"#rn-{desk_nc}", "已張貼新通知")
    clerk.locator(f"#nc-{desk_nc}").get_by_role("button", name="已整改").click()
    clerk.wait_for_url(re.compile(r"/nonconformances"))
    clerk.goto(f"{office.url}/nonconformances?status=rectified")
    assert "已整改" in clerk.inner_text(f"#nc-{desk_nc}")
    screenshot(clerk, "desk-nonconformance-rectified-by-desk")
    clerk.fill(f"#vn-{desk_nc}", "通知已更新，合格")
    clerk.click(f"#nc-{desk_nc} button[value=true]")
    clerk.wait_for_load_state()
    clerk.goto(f"{office.url}/nonconformances?status=closed")
    assert "已結案" in clerk.inner_text(f"#nc-{desk_nc}")

    complete_cleaning_task(office, nc_id)
    for _ in range(120):
        clerk.goto(f"{office.url}/nonconformances?status=rectified")
        if clerk.locator(f"#nc-{nc_id}").count():
            break
        time.sleep(0.25)
    card = clerk.locator(f"#nc-{nc_id}")
    assert "已整改" in card.inner_text() and "保潔部" in card.inner_text()
    screenshot(clerk, "desk-nonconformances")

    mobile = phone.new_page()
    sign_in(mobile, office, "clerk", "/nonconformances?status=rectified")
    mobile.fill(f"#vn-{nc_id}", "已清理，合格")
    mobile.click(f"#nc-{nc_id} button[value=true]")
    mobile.wait_for_load_state()
    mobile.goto(f"{office.url}/nonconformances?status=closed")
    assert "已結案" in mobile.inner_text(f"#nc-{nc_id}")
    screenshot(mobile, "phone-nonconformances")
