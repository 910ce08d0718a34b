"""The portal in a real browser (headless Chromium) against the real system: a clerk records,
classifies and dispatches a complaint; a technician on a phone sees the work order arrive live,
starts and completes it; the clerk records the callback. Also: a form error next to its field
with nothing typed lost, the language switch remembered per user, a role kept out of pages it
may not see, a deactivated user out at the next request. Screenshots of the main pages at desk
and phone sizes go to var/screenshots/."""

from __future__ import annotations

import re

import httpx
import pytest

from browser_harness import (
    DESK,
    PHONE,
    WAIT_MS,
    Office,
    in_browser,
    make_office,
    path_of,
    screenshot,
    sign_in,
)
from system_harness import ADMIN_PASSWORD

pytestmark = [pytest.mark.system, pytest.mark.browser, pytest.mark.timeout(600)]


def expect_lang(page, lang: str) -> None:
    assert page.get_attribute("html", "lang") == lang


def test_complaint_from_desk_to_technician_and_back(make_system) -> None:
    system = make_system(
        PROPOPS_CALLBACK_DUE_HOURS="0.005",  # due 18 s after the resolution: "due today"
        PROPOPS_USER_CACHE_SECONDS="0",
    )
    system.start()
    office = make_office(system)
    in_browser(lambda browser: complaint_story(browser, office))


def complaint_story(browser, office: Office) -> None:
    desk = browser.new_context(viewport=DESK, locale="zh-HK")
    phone = browser.new_context(viewport=PHONE, locale="zh-HK", is_mobile=True, has_touch=True)
    desk.set_default_timeout(WAIT_MS)
    phone.set_default_timeout(WAIT_MS)
    clerk = desk.new_page()
    tech = phone.new_page()

    # --- sign-in; the page asked for is remembered -------------------------------------------
    clerk.goto(f"{office.url}/complaints/new")
    assert path_of(clerk) == "/signin?next=/complaints/new"
    expect_lang(clerk, "zh-Hant")
    screenshot(clerk, "desk-signin")
    clerk.fill("#f-username", "clerk")
    clerk.fill("#f-password", "wrong-password")
    clerk.click("form[action='/signin'] button[type=submit]")
    assert (
        clerk.locator("[data-field-error=password]")
        .inner_text()
        .strip()
        .endswith("用戶名或密碼錯誤。")
    )
    assert clerk.input_value("#f-username") == "clerk"  # nothing typed is lost
    clerk.fill("#f-password", office.passwords["clerk"])
    clerk.click("form[action='/signin'] button[type=submit]")
    clerk.wait_for_url(re.compile(r"/complaints/new$"))

    # --- record: find the unit and the person by typing; a form error next to its field -------
    clerk.fill("#unit-q", "12f-3")
    clerk.locator(f"#unit-choices input[value='{office.units[0]['id']}']").check()
    clerk.fill("#party-q", "陳")
    clerk.locator(f"#party-choices input[value='{office.party['id']}']").check()
    clerk.select_option("#f-channel", "phone")
    clerk.fill("#f-location", "A座12樓3室浴室")
    screenshot(clerk, "desk-record-complaint")
    clerk.click("#record-form button[type=submit]")  # no description: the API refuses
    error = clerk.locator("[data-field-error=description]")
    assert error.inner_text().strip().endswith("此欄必須填寫")
    assert clerk.locator("#f-description").get_attribute("aria-invalid") == "true"
    assert clerk.input_value("#f-location") == "A座12樓3室浴室"
    assert clerk.locator(f"input[name=unit_id][value='{office.units[0]['id']}']").is_checked()
    clerk.fill("#f-description", "浴室天花漏水，懷疑樓上水管爆裂")
    clerk.click("#record-form button[type=submit]")
    clerk.wait_for_url(re.compile(r"/complaints/[0-9a-f-]{36}\?recorded=1$"))
    complaint_id = path_of(clerk).split("/")[2].split("?")[0]
    assert "已記錄" in clerk.locator(".page-head .badge").first.inner_text()
    for _ in range(30):  # the unit's payment status reaches the desk by event
        if clerk.locator("[data-payment=arrears]").count():
            break
        clerk.wait_for_timeout(1000)
        clerk.reload()
    assert "欠費" in clerk.inner_text("[data-payment=arrears]")  # in arrears: the desk sees it
    # only what the state allows: no dispatch before classifying
    assert clerk.locator(f"form[action='/complaints/{complaint_id}/dispatch']").count() == 0

    # the technician waits on the phone, on the department's queue
    sign_in(tech, office, "tech", "/tasks?view=unassigned")
    assert path_of(tech) == "/tasks?view=unassigned"
    expect_lang(tech, "zh-Hant")
    assert tech.locator(f"[data-complaint='{complaint_id}']").count() == 0

    # --- classify and dispatch ------------------------------------------------------------------
    clerk.click("#action-classify summary")
    clerk.select_option("#action-classify select[name=nature]", "valid")
    clerk.select_option("#action-classify select[name=department]", "engineering")
    clerk.click("#action-classify button[type=submit]")
    clerk.wait_for_selector(f"form[action='/complaints/{complaint_id}/dispatch']")
    screenshot(clerk, "desk-complaint-classified")
    clerk.click(f"form[action='/complaints/{complaint_id}/dispatch'] button")
    clerk.wait_for_selector(".page-head .badge:has-text('已派單')")

    # --- the work order appears on the technician's phone without a reload ----------------------
    card = tech.locator(f"[data-complaint='{complaint_id}']")
    card.wait_for()
    assert path_of(tech) == "/tasks?view=unassigned"  # same page: it came live
    screenshot(tech, "phone-tasks")
    card.click()
    tech.wait_for_url(re.compile(r"/tasks/engineering/"))
    assert "浴室天花漏水" in tech.inner_text("main")
    tech.click("form[action$='/assign'] button[type=submit]")  # assignee: me by default
    tech.wait_for_selector("form[action$='/start']")
    tech.click("form[action$='/start'] button")
    tech.wait_for_selector("form[action$='/complete']")
    tech.click("form[action$='/complete'] button")  # no notes: refused next to the field
    assert tech.locator("[data-field-error=resolution_notes]").count() == 1
    tech.fill("#f-resolution_notes", "更換樓上單位爆裂喉管，天花已乾")
    tech.click("form[action$='/complete'] button")
    tech.wait_for_selector(".page-head .badge:has-text('已完成')")
    screenshot(tech, "phone-task-completed")

    # --- the clerk records the callback, in place ------------------------------------------------
    clerk.goto(f"{office.url}/callbacks")
    for _ in range(30):  # the callback opens from the task's event; the page is plain
        if clerk.locator(f"a[href='/complaints/{complaint_id}']").count():
            break
        clerk.wait_for_timeout(1000)
        clerk.reload()
    link = clerk.locator(f"a[href='/complaints/{complaint_id}']")
    cb = clerk.locator("article.item-card", has=link)
    screenshot(clerk, "desk-callbacks")
    cb.locator("button[type=submit]").click()  # nothing chosen: "reached" is required
    cb = clerk.locator("article.item-card", has=link)
    cb.locator("[data-field-error=reached]").wait_for()
    cb.locator("input[name=reached][value=yes]").check()
    cb.locator("input[name=satisfaction][value='5']").check()
    cb.locator("button[type=submit]").click()
    clerk.locator(".alert-ok:has-text('回訪已記錄')").wait_for()
    clerk.goto(f"{office.url}/complaints/{complaint_id}")
    assert "已結案" in clerk.locator(".page-head .badge").first.inner_text()
    timeline = clerk.inner_text("#h-timeline + .timeline")
    for step in ("已記錄", "已分類", "已派單", "回訪"):
        assert step in timeline, timeline
    screenshot(clerk, "desk-complaint-closed")

    # --- the phone log: a call logged, then made a complaint --------------------------------------
    clerk.goto(f"{office.url}/calls")
    clerk.fill("#f-caller_name", "李太")
    clerk.fill("#f-phone", "98765432")
    clerk.fill("#f-summary", "大堂冷氣滴水")
    clerk.click("form[action='/calls'] button[type=submit]")
    clerk.wait_for_url(re.compile(r"/calls$"))
    clerk.click("form[action$='/complaint'] button")
    clerk.wait_for_url(re.compile(r"/complaints/[0-9a-f-]{36}\?recorded=1$"))
    assert "大堂冷氣滴水" in clerk.inner_text("main")

    # --- the other desk pages, at desk and phone sizes --------------------------------------------
    for path, name in [
        ("/complaints", "complaints"),
        ("/calls", "calls"),
        ("/register", "register"),
        (f"/register/units/{office.units[0]['id']}", "unit"),
    ]:
        clerk.goto(f"{office.url}{path}")
        screenshot(clerk, f"desk-{name}")
    # a manager's unit page: the gateway's unit view, with fees' account and ledger
    boss_desk = browser.new_context(viewport=DESK)
    boss_page = boss_desk.new_page()
    sign_in(boss_page, office, "boss", f"/register/units/{office.units[0]['id']}")
    assert "HK$" in boss_page.inner_text("[data-part=account]")
    screenshot(boss_page, "desk-unit-manager")
    boss_desk.close()
    clerk_phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    mobile_clerk = clerk_phone.new_page()
    sign_in(mobile_clerk, office, "clerk", "/complaints")
    screenshot(mobile_clerk, "phone-complaints")
    mobile_clerk.goto(f"{office.url}/complaints/{complaint_id}")
    screenshot(mobile_clerk, "phone-complaint")
    mobile_clerk.goto(f"{office.url}/callbacks?when=all")
    screenshot(mobile_clerk, "phone-callbacks")
    clerk_phone.close()
    tech.goto(f"{office.url}/tasks")
    screenshot(tech, "phone-tasks-all")

    # --- language: English by the switch, remembered for the user -------------------------------
    clerk.goto(f"{office.url}/complaints")
    clerk.click(".lang-switch button[value=en]")
    clerk.wait_for_load_state()
    expect_lang(clerk, "en")
    assert path_of(clerk) == "/complaints"
    assert clerk.locator("h1").inner_text().strip() == "Complaints"
    assert re.search(r"\d{1,2} [A-Z][a-z]{2} 20\d\d", clerk.inner_text("main"))  # 27 Nov 2026
    screenshot(clerk, "desk-complaints-en")
    fresh = browser.new_context(viewport=DESK)  # another browser, no cookie: the user's choice
    other = fresh.new_page()
    sign_in(other, office, "clerk", "/complaints")
    expect_lang(other, "en")
    other.click(".lang-switch button[value=zh-Hant]")
    other.wait_for_load_state()
    expect_lang(other, "zh-Hant")
    assert re.search(r"20\d\d年\d{1,2}月\d{1,2}日", other.inner_text("main"))
    fresh.close()

    # --- roles: no page, link or button the role may not use --------------------------------------
    nav = tech.inner_text("#sidenav")
    assert "用戶" not in nav and "系統狀況" not in nav and "投訴" not in nav
    for path in ("/admin/users", "/admin/health", "/complaints"):
        response = tech.goto(f"{office.url}{path}")
        assert response is not None and response.status == 403, path
        assert "沒有權限" in tech.inner_text("main")
    clerk.goto(f"{office.url}/complaints")
    assert clerk.locator("#sidenav a[href^='/admin']").count() == 0
    assert clerk.goto(f"{office.url}/admin/users").status == 403
    boss = desk.new_page()  # a manager reads the desk's pages but is offered no action
    boss.context.clear_cookies()
    sign_in(boss, office, "boss", f"/complaints/{complaint_id}")
    assert boss.locator("form[action^='/complaints/']").count() == 0
    assert boss.locator("a[href='/complaints/new']").count() == 0

    # --- fees: a unit's account; a deactivated user is out at the next request ------------------
    cashier_ctx = browser.new_context(viewport=DESK)
    cashier = cashier_ctx.new_page()
    sign_in(cashier, office, "cashier", f"/fees/accounts/{office.units[0]['id']}")
    assert "HK$1,280.00" in cashier.inner_text("main")  # the overdue charge
    assert cashier.locator(".page-head .badge:has-text('欠費')").count() == 1
    cashier.fill("#f-amount", "abc")
    cashier.click("form[action$='/payments'] button[type=submit]")
    assert cashier.locator("[data-field-error=amount]").count() == 1
    cashier.fill("#f-amount", "1280")
    cashier.click("form[action$='/payments'] button[type=submit]")
    cashier.locator(".alert-ok").wait_for()
    assert cashier.locator(".page-head .badge:has-text('繳費正常')").count() == 1
    screenshot(cashier, "desk-fee-account")
    with httpx.Client(base_url=office.url, timeout=30) as api:
        token = api.post(
            "/api/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD}
        ).json()["access_token"]
        api.headers["Authorization"] = f"Bearer {token}"
        users = api.get("/api/users").json()["items"]
        cashier_id = next(u["id"] for u in users if u["username"] == "cashier")
        assert api.post(f"/api/users/{cashier_id}/deactivate").status_code == 200
    cashier.reload()
    assert path_of(cashier).startswith("/signin?next=/fees/accounts/")
    cashier_ctx.close()
    desk.close()
    phone.close()
