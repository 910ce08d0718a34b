"""``/api/views/...``: the manager's dashboard and a unit's page, put together from the front desk
and fees called concurrently with the caller's rights; still answering, marked incomplete,
when a service is down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from test_gateway import bearer, sign_in, start_departments, start_gateway  # noqa: F401
from test_portal import browser
from test_portal import sign_in as portal_sign_in

from propops.testing.fixtures import eventually


async def add_user(
    gw, username: str, role: str | list[str], property_ids: list[str] | None = None
) -> dict:
    r = await gw.client.post(
        "/api/users",
        json={
            "username": username,
            "password": f"{username}-pass-1",
            "roles": [role] if isinstance(role, str) else role,
            "property_ids": property_ids or [],
        },
    )
    assert r.status_code == 201, r.text
    return bearer(await sign_in(gw, username, f"{username}-pass-1"))


async def test_dashboard_and_unit_page_and_a_service_down(
    start_service,
    start_gateway,  # noqa: F811 (the fixture imported above)
) -> None:
    apps = await start_departments(start_service, ("frontdesk", "fees"))
    for app in apps.values():
        assert await app.ctx.bus.wait_ready(within=15)
    gw = await start_gateway({n: a.url for n, a in apps.items()})
    prop = (
        await gw.client.post("/api/frontdesk/v1/properties", json={"code": "HKA", "name": "A"})
    ).json()["id"]
    other = (
        await gw.client.post("/api/frontdesk/v1/properties", json={"code": "HKB", "name": "B"})
    ).json()["id"]
    r = await gw.client.post(
        "/api/frontdesk/v1/units", json={"property_id": prop, "building": "A", "number": "8F-1"}
    )
    unit = r.json()["id"]

    async def account_opened() -> bool:
        r = await gw.client.get("/api/fees/v1/accounts", params={"unit_id": unit})
        return r.json()["total"] == 1

    await eventually(account_opened, what="the fee account")
    due = (datetime.now(UTC).date() - timedelta(days=10)).isoformat()
    r = await gw.client.post(
        "/api/fees/v1/charges",
        json={"unit_id": unit, "kind": "management_fee", "amount": "1200.50", "due_date": due},
    )
    assert r.status_code == 201, r.text
    r = await gw.client.post(
        "/api/frontdesk/v1/complaints",
        json={"property_id": prop, "unit_id": unit, "channel": "phone", "description": "Noise"},
    )
    assert r.status_code == 201, r.text
    complaint = r.json()["id"]
    r = await gw.client.post(
        f"/api/frontdesk/v1/complaints/{complaint}/classify",
        json={"nature": "communication", "kind": "vent", "department": "frontdesk"},
    )
    assert r.status_code == 200, r.text

    boss = await add_user(gw, "boss", "manager")
    r = await gw.client.get("/api/views/dashboard", headers=boss)
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["incomplete"] is False and view["unavailable"] == []
    assert view["complaints"]["recorded"] == 1
    series = view["complaints"]["per_day_series"]
    assert len(series["days"]) == 30 and series["days"][-1] == datetime.now(UTC).date().isoformat()
    [vent] = series["series"]
    assert (vent["nature"], vent["kind"], vent["total"], vent["counts"][-1]) == (
        "communication",
        "vent",
        1,
        1,
    )
    assert view["complaints"]["by_department"] == [
        {"department": "frontdesk", "open": 1, "overdue": 0}
    ]
    assert view["arrears"]["units_in_arrears"] == 1
    assert view["arrears"]["overdue_total"] == "1200.50"
    assert view["arrears"]["units"][0]["unit_number"] == "8F-1"

    # property scope: a manager of HKB sees nothing of HKA, and may not ask for it
    hkb = await add_user(gw, "hkb", "manager", [other])
    view = (await gw.client.get("/api/views/dashboard", headers=hkb)).json()
    assert view["complaints"]["recorded"] == 0 and view["arrears"]["units_in_arrears"] == 0
    r = await gw.client.get("/api/views/dashboard", params={"property_id": prop}, headers=hkb)
    assert r.status_code == 403 and r.json()["field"] == "property_id"
    # the dashboard is for managers; a bad period names its field
    clerk = await add_user(gw, "clerk", "frontdesk")
    assert (await gw.client.get("/api/views/dashboard", headers=clerk)).status_code == 403
    r = await gw.client.get("/api/views/dashboard", params={"from": "2026-13-01"}, headers=boss)
    assert r.status_code == 422 and r.json()["field"] == "from"
    async with httpx.AsyncClient(base_url=gw.url) as anonymous:
        assert (await anonymous.get("/api/views/dashboard")).status_code == 401

    # a unit's page: register, account and complaints; a clerk sees no fee parts
    page = (await gw.client.get(f"/api/views/units/{unit}", headers=boss)).json()
    assert page["incomplete"] is False
    assert page["unit"]["number"] == "8F-1" and page["complaints"]["total"] == 1
    assert page["payment_status"]["status"] == "arrears"
    assert page["charges"]["items"][0]["amount"] == "1200.50"
    page = (await gw.client.get(f"/api/views/units/{unit}", headers=clerk)).json()
    assert page["unit"]["number"] == "8F-1" and page["payment_status"] is None
    assert page["incomplete"] is False
    r = await gw.client.get("/api/views/units/no-such-unit", headers=boss)
    assert r.status_code == 404

    # the portal's unit page is that view: the register, the complaints and fees' ledger
    async with browser(gw) as boss_b, browser(gw) as clerk_b:
        await portal_sign_in(boss_b, "boss", "boss-pass-1")
        await portal_sign_in(clerk_b, "clerk", "clerk-pass-1")
        html = (await boss_b.get(f"/register/units/{unit}")).text
        assert "8F-1" in html and "data-incomplete" not in html
        assert html.count("HK$1,200.50") >= 2  # the balance and the charge's line
        assert 'data-part="desk-copy"' not in html
        html = (await clerk_b.get(f"/register/units/{unit}")).text  # no fee rights: desk's copy
        assert "8F-1" in html and 'data-part="desk-copy"' in html
        assert "data-incomplete" not in html

    # fees down: both views still answer, marked incomplete, naming what is missing
    await apps["fees"].stop()
    r = await gw.client.get("/api/views/dashboard", headers=boss)
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["incomplete"] is True and view["arrears"] is None
    assert [(u["part"], u["service"]) for u in view["unavailable"]] == [("arrears", "fees")]
    assert view["complaints"]["recorded"] == 1
    page = (await gw.client.get(f"/api/views/units/{unit}", headers=boss)).json()
    assert page["incomplete"] is True and page["unit"]["number"] == "8F-1"
    assert {u["part"] for u in page["unavailable"]} == {"payment_status", "charges", "payments"}

    # the portal's unit page with fees down: still there, marked, the desk's copy of the status
    async with browser(gw) as boss_b:
        await portal_sign_in(boss_b, "boss", "boss-pass-1")
        r = await boss_b.get(f"/register/units/{unit}")
        assert r.status_code == 200 and "8F-1" in r.text and "Noise" in r.text
        assert "data-incomplete" in r.text and 'data-unavailable="fees"' in r.text
        assert 'data-part="desk-copy"' in r.text
