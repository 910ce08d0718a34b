"""``/api/views/daily-review``: one local day of a property for the front desk's supervisor and
the managers, put together from the desk's day and the departments' lists; still answering,
each missing part named, when a service is down."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from test_gateway import start_departments, start_gateway  # noqa: F401
from test_views import add_user

from propops.timezones import today_in


async def test_daily_review_view_sign_and_a_service_down(
    start_service,
    start_gateway,  # noqa: F811 (the fixture imported above)
) -> None:
    apps = await start_departments(start_service, ("frontdesk", "cleaning"))
    gw = await start_gateway({n: a.url for n, a in apps.items()})
    prop = (
        await gw.client.post("/api/frontdesk/v1/properties", json={"code": "DRV", "name": "V"})
    ).json()
    other = (
        await gw.client.post("/api/frontdesk/v1/properties", json={"code": "DRW", "name": "W"})
    ).json()
    today = today_in(prop["time_zone"]).isoformat()
    sue = await add_user(gw, "sue", ["frontdesk", "supervisor"], [prop["id"]])  # 客服領班
    amy = await add_user(gw, "amy", "frontdesk", [prop["id"]])
    boss = await add_user(gw, "boss", "manager", [prop["id"]])

    # a handover left pending, a complaint recorded, a failed hygiene check (a cleaning task)
    r = await gw.client.post(
        "/api/frontdesk/v1/handovers",
        json={
            "property_id": prop["id"],
            "post": "lobby",
            "shift_end": datetime.now(UTC).isoformat(),
        },
        headers=amy,
    )
    assert r.status_code == 201, r.text
    r = await gw.client.post(
        "/api/frontdesk/v1/complaints",
        json={"property_id": prop["id"], "channel": "phone", "description": "Lift noise"},
        headers=amy,
    )
    assert r.status_code == 201, r.text
    area = (
        await gw.client.post(
            "/api/cleaning/v1/areas",
            json={"property_id": prop["id"], "code": "LOBBY", "name": "Lobby", "kind": "lobby"},
        )
    ).json()
    r = await gw.client.post(
        "/api/cleaning/v1/hygiene-checks",
        json={"area_id": area["id"], "passed": False, "notes": "Floor wet"},
    )
    assert r.status_code == 201, r.text

    # the desk's staff: amy clocked in 5 minutes after her shift began (late: the standard is
    # 20 minutes before), sue never clocked in (absent). The users reach the front desk's
    # directory by event: a shift is refused (422 naming `user`) until then.
    began = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    shifts = {}
    for user in ("amy", "sue"):
        for _ in range(300):  # up to 30 s
            r = await gw.client.post(
                "/api/frontdesk/v1/staff-shifts",
                json={
                    "property_id": prop["id"],
                    "user": user,
                    "post": "reception",
                    "start": began.isoformat(),
                    "end": (began + timedelta(hours=8)).isoformat(),
                },
            )
            if r.status_code != 422:
                break
            await asyncio.sleep(0.1)
        assert r.status_code == 201, r.text
        shifts[user] = r.json()
    r = await gw.client.post(
        f"/api/frontdesk/v1/staff-shifts/{shifts['amy']['id']}/clock-in",
        json={"at": (began + timedelta(minutes=5)).isoformat()},
        headers={"If-Match": f'"{shifts["amy"]["version"]}"'},
    )
    assert r.status_code == 200, r.text
    shift_day = began.astimezone(ZoneInfo(prop["time_zone"])).date().isoformat()
    r = await gw.client.get(
        "/api/views/daily-review",
        params={"property_id": prop["id"], "date": shift_day},
        headers=sue,
    )
    assert r.status_code == 200, r.text
    attendance = r.json()["attendance"]
    assert (attendance["shifts"], attendance["late"], attendance["absent"]) == (2, 1, 1)
    people = {p["user"]: p for p in attendance["people"]}
    assert people["amy"]["late_minutes"] == 25 and not people["amy"]["absent"]
    assert people["sue"]["absent"] and people["sue"]["late_minutes"] is None

    # the supervisor's view: the desk's day and cleaning's tasks; services not running
    # (security, engineering, leasing, fees) are named
    r = await gw.client.get(
        "/api/views/daily-review", params={"property_id": prop["id"], "date": today}, headers=sue
    )
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["incomplete"] is True and view["signed"] is None
    missing = {(u["part"], u["service"]) for u in view["unavailable"]}
    assert ("patrols", "security") in missing and ("engineering_opened", "engineering") in missing
    assert not any(s in ("frontdesk", "cleaning") for p, s in missing)
    assert view["frontdesk"]["handovers"] == [
        {"post": "lobby", "written": 1, "acknowledged": 0, "pending": 1}
    ]
    assert view["frontdesk"]["complaints"] == [
        {"department": "unassigned", "recorded": 1, "resolved": 0, "overdue": 0}
    ]
    tasks = {d["department"]: (d["opened"], d["completed"]) for d in view["departments"]}
    assert tasks["cleaning"] == (1, 0) and tasks["engineering"] == (None, None)
    assert view["security"]["patrols"] is None

    # another day: nothing opened; the window is the property's local day
    yesterday = (today_in(prop["time_zone"]) - timedelta(days=1)).isoformat()
    r = await gw.client.get(
        "/api/views/daily-review",
        params={"property_id": prop["id"], "date": yesterday},
        headers=sue,
    )
    view = r.json()
    assert view["frontdesk"]["handovers"] == [] and view["time_zone"] == prop["time_zone"]
    assert {d["department"]: d["opened"] for d in view["departments"]}["cleaning"] == 0

    # who may ask: the desk, managers and admins, of their own properties; bad input names it
    r = await gw.client.get(
        "/api/views/daily-review", params={"property_id": other["id"], "date": today}, headers=sue
    )
    assert r.status_code == 403 and r.json()["field"] == "property_id"
    cleaner = await add_user(gw, "cleo", "cleaning")
    r = await gw.client.get(
        "/api/views/daily-review",
        params={"property_id": prop["id"], "date": today},
        headers=cleaner,
    )
    assert r.status_code == 403
    r = await gw.client.get(
        "/api/views/daily-review",
        params={"property_id": prop["id"], "date": "2026-02-30"},
        headers=sue,
    )
    assert r.status_code == 422 and r.json()["field"] == "date"
    async with httpx.AsyncClient(base_url=gw.url) as anonymous:
        r = await anonymous.get(
            "/api/views/daily-review", params={"property_id": prop["id"], "date": today}
        )
        assert r.status_code == 401

    # the supervisor signs; the view (and the manager) show by whom
    r = await gw.client.post(
        "/api/frontdesk/v1/daily-reviews",
        json={"property_id": prop["id"], "date": today, "notes": "Lobby floor wet at 10:00."},
        headers=sue,
    )
    assert r.status_code == 201, r.text
    r = await gw.client.get(
        "/api/views/daily-review", params={"property_id": prop["id"], "date": today}, headers=boss
    )
    assert r.json()["signed"]["signed_by"] == "sue"

    # cleaning down: its part is unavailable, the rest still answers (200)
    await apps["cleaning"].stop()
    r = await gw.client.get(
        "/api/views/daily-review", params={"property_id": prop["id"], "date": today}, headers=sue
    )
    assert r.status_code == 200, r.text
    view = r.json()
    assert ("cleaning_opened", "cleaning") in {
        (u["part"], u["service"]) for u in view["unavailable"]
    }
    assert {d["department"]: d["opened"] for d in view["departments"]}["cleaning"] is None
    assert view["frontdesk"]["handovers"][0]["pending"] == 1
    assert view["signed"]["signed_by"] == "sue"


def test_the_days_patrol_counts_leave_out_the_next_days_patrol_shown_on_its_sheet() -> None:
    """Between 23:00 and midnight an hourly round's 00:00 patrol is on the day's sheet (due,
    ``next_day``): the review counts it on its own day, not on this one."""
    from gateway.views.calls import Part
    from gateway.views.service import _patrols

    def row(state: str, at: str, **extra: object) -> dict[str, object]:
        return {"route_name": "Night round", "occurrence_at": at, "state": state, **extra}

    sheet = {
        "items": [
            row("done", "2026-11-27T14:00:00Z"),
            row("missed", "2026-11-27T15:00:00Z"),
            row("due", "2026-11-27T16:00:00Z", next_day=True),
        ]
    }
    counts = _patrols(Part("patrols", "security", data=sheet))
    assert counts is not None
    assert (counts["done"], counts["missed"], counts["due"], counts["total"]) == (1, 1, 0, 2)
    assert counts["missed_rounds"] == [
        {"route_name": "Night round", "occurrence_at": "2026-11-27T15:00:00Z"}
    ]
