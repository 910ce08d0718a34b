"""Harness for the portal's browser tests: Playwright for Python driving Debian's Chromium
(``/usr/bin/chromium``; browsers cannot be downloaded here) against the real system (the
processes ``propops up`` starts, see system_harness), plus screenshots under var/screenshots/."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
import pytest

from system_harness import ADMIN_PASSWORD, System

CHROMIUM = Path(os.environ.get("PROPOPS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
DESK = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
# Waits for the system (an event to cross NATS, a page to answer); generous on a shared machine.
WAIT_MS = 90_000  # see PAGE_TIMEOUT_MS
T = TypeVar("T")


def _check_chromium() -> None:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing (make test installs it: .ci/install-browser)")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")


def _playwright_api():
    from playwright.sync_api import sync_playwright

    return sync_playwright


# Playwright waits 30 s by default; the suite runs in parallel processes on 2 cores, where a page
# (a system's first request, a screenshot of a long page) can take longer without being wrong.
PAGE_TIMEOUT_MS = WAIT_MS


def _patient(browser: Any) -> None:
    """Every context and page the test makes waits up to PAGE_TIMEOUT_MS."""
    new_context = browser.new_context

    def patient_context(*args: Any, **kwargs: Any) -> Any:
        context = new_context(*args, **kwargs)
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        return context

    def patient_page(*args: Any, **kwargs: Any) -> Any:
        return patient_context(*args, **kwargs).new_page()

    browser.new_context = patient_context
    browser.new_page = patient_page


def in_browser(body: Callable[[Any], T]) -> T:
    """Run ``body(browser)`` with a headless Chromium, in a thread of its own: Playwright's sync
    API runs an event loop, which must not meet pytest-asyncio's."""

    def run() -> T:
        sync_playwright = _playwright_api()
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            _patient(b)
            try:
                return body(b)
            finally:
                b.close()

    _check_chromium()
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def screenshot(page: Any, name: str) -> Path:
    """Save the whole page as var/screenshots/<name>.png (test artifacts; look at them)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@dataclass
class Office:
    """The data and users a browser test starts from, made through the API as the admin."""

    url: str
    property: dict[str, Any]
    units: list[dict[str, Any]]
    party: dict[str, Any]
    passwords: dict[str, str]


USERS = {
    "clerk": ["frontdesk"],
    "chief": ["frontdesk", "supervisor"],  # the desk's supervisor (客服領班)
    "tech": ["engineering"],
    "boss": ["manager"],
    "cashier": ["fees"],
}


def make_office(system: System) -> Office:
    with httpx.Client(base_url=system.gateway_url, timeout=30) as c:
        r = c.post("/api/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD})
        c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        passwords = {}
        for name, roles in USERS.items():
            passwords[name] = f"{name}-pass-123"
            r = c.post(
                "/api/users",
                json={"username": name, "password": passwords[name], "roles": roles},
            )
            assert r.status_code == 201, r.text
        prop = c.post(
            "/api/frontdesk/v1/properties", json={"code": "HGV", "name": "海港花園"}
        ).json()
        units = [
            c.post(
                "/api/frontdesk/v1/units",
                json={"property_id": prop["id"], "building": b, "number": n, "floor": f},
            ).json()
            for b, n, f in (("A", "12F-3", 12), ("A", "12F-4", 12), ("B", "3F-1", 3))
        ]
        party = c.post(
            "/api/frontdesk/v1/parties", json={"name": "陳大文", "phone": "91234567"}
        ).json()
        r = c.post(
            "/api/frontdesk/v1/occupancies",
            json={
                "unit_id": units[0]["id"],
                "party_id": party["id"],
                "role": "owner",
                "start_date": "2020-01-01",
            },
        )
        assert r.status_code == 201, r.text
        # an overdue management fee (the unit's fee account comes from an event: wait for it)
        charge = {
            "unit_id": units[0]["id"],
            "kind": "management_fee",
            "amount": "1280.00",
            "due_date": "2026-10-01",
            "period": "2026-10",
        }
        # until the account exists the charge is refused (404 from an older fees, 422 naming
        # `unit_id` now); retry only that answer, up to 60 s
        for _ in range(120):
            r = c.post("/api/fees/v1/charges", json=charge)
            if r.status_code not in (404, 422) or "has no fee account" not in r.text:
                break
            time.sleep(0.5)
        assert r.status_code == 201, r.text
    return Office(system.gateway_url, prop, units, party, passwords)


def sign_in(page: Any, office: Office, username: str, path: str = "/") -> None:
    page.goto(f"{office.url}/signin?next={quote(path, safe='/')}")
    page.fill("#f-username", username)
    page.fill("#f-password", office.passwords[username])
    page.click("form[action='/signin'] button[type=submit]")
    page.wait_for_load_state()


def path_of(page: Any) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)
