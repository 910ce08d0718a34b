"""Security's own operations over HTTP: posts and coverage, the roster (clashes, also under
concurrent requests), post checks, patrols (scan, finish, the day's sheet, missed patrols once
per occurrence with a clock the test controls) and incidents. Real NATS and database."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from propops.messaging.models import OutboxRow
from propops.testing.fixtures import RunningApp
from propops.testing.tasks import auth, known_user
from security.app import create_app
from security.settings import SecuritySettings

PROPERTY = "p-1"


@pytest.fixture
async def security(start_service) -> RunningApp:
    app = await start_service(create_app, "security", settings_cls=SecuritySettings)
    await known_user(app, "gary", "security")
    await known_user(app, "hana", "security")
    await known_user(app, "desk-amy", "frontdesk")
    return app


async def post_json(
    app: RunningApp, path: str, body: dict[str, Any], expect: int = 201, **kw: Any
) -> dict[str, Any]:
    r = await app.client.post(path, json=body, **kw)
    assert r.status_code == expect, r.text
    return r.json()


def assert_problem(r: httpx.Response, status: int, field: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["field"] == field, r.json()
    return r.json()


async def a_post(app: RunningApp, code: str = "G1", **extra: Any) -> dict[str, Any]:
    body = {
        "property_id": PROPERTY,
        "code": code,
        "name": "Main gate",
        "kind": "gate",
        "hours": [{"from": "08:00", "to": "20:00"}],
        "time_zone": "Asia/Hong_Kong",
        **extra,
    }
    return await post_json(app, "/v1/posts", body)


def hk(day: str, hour: int) -> str:
    """``2026-11-27`` ``hour`` o'clock in Hong Kong, as UTC ISO 8601."""
    local = datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00")
    return local.astimezone(UTC).isoformat()


async def events_of(app: RunningApp, event_type: str) -> list[dict[str, Any]]:
    async with app.ctx.db.sessions() as s:
        rows = await s.scalars(
            select(OutboxRow.envelope).where(OutboxRow.type == event_type).order_by(OutboxRow.seq)
        )
        return [json.loads(e)["data"] for e in rows.all()]


async def test_posts_roster_and_the_days_coverage(security: RunningApp) -> None:
    gate = await a_post(security)
    assert gate["hours"] == [{"from": "08:00:00", "to": "20:00:00"}] or gate["hours"] == [
        {"from": "08:00", "to": "20:00"}
    ]
    night = await a_post(
        security, "L1", name="Lobby", kind="lobby", hours=[{"from": "22:00", "to": "06:00"}]
    )
    r = await security.client.post(
        "/v1/posts",
        json={
            "property_id": PROPERTY,
            "code": "G1",
            "name": "x",
            "kind": "gate",
            "hours": [{"from": "08:00", "to": "09:00"}],
        },
    )
    assert assert_problem(r, 409, "code")["post_id"] == gate["id"]
    r = await security.client.post(
        "/v1/posts",
        json={
            "property_id": PROPERTY,
            "code": "G2",
            "name": "x",
            "kind": "moat",
            "hours": [{"from": "08:00", "to": "09:00"}],
        },
    )
    assert_problem(r, 422, "kind")

    day = "2026-11-27"
    await post_json(
        security,
        "/v1/shifts",
        {"post_id": gate["id"], "guard": "gary", "start": hk(day, 8), "end": hk(day, 14)},
    )
    await post_json(
        security,
        "/v1/shifts",
        {"post_id": gate["id"], "guard": "hana", "start": hk(day, 14), "end": hk(day, 18)},
    )
    await post_json(
        security,
        "/v1/shifts",
        {"post_id": night["id"], "guard": "gary", "start": hk(day, 22), "end": hk("2026-11-28", 4)},
    )

    r = await security.client.get(
        "/v1/posts/coverage", params={"property_id": PROPERTY, "date": day}
    )
    assert r.status_code == 200, r.text
    by_code = {p["post"]["code"]: p for p in r.json()["posts"]}
    gate_cover = by_code["G1"]
    assert [(s["guards"], s["staffed"], s["minutes"]) for s in gate_cover["stretches"]] == [
        (["gary"], True, 360),
        (["hana"], True, 240),
        ([], False, 120),
    ]
    assert gate_cover["staffed_minutes"] == 600 and gate_cover["unstaffed_minutes"] == 120
    assert gate_cover["stretches"][-1]["start"].startswith("2026-11-27T10:00")  # 18:00 HKT
    lobby = by_code["L1"]
    assert [(s["guards"], s["minutes"]) for s in lobby["stretches"]] == [(["gary"], 360), ([], 120)]

    r = await security.client.get(
        "/v1/posts/coverage", params={"property_id": PROPERTY, "date": "0001-01-01"}
    )
    assert_problem(r, 422, "date")
    listed = (await security.client.get("/v1/posts", params={"property_id": PROPERTY})).json()
    assert [p["code"] for p in listed["items"]] == ["G1", "L1"] and listed["total"] == 2


async def test_a_guard_cannot_be_on_two_shifts_at_once(security: RunningApp) -> None:
    gate = await a_post(security)
    lobby = await a_post(security, "L1", kind="lobby")
    day = "2026-11-27"
    first = await post_json(
        security,
        "/v1/shifts",
        {"post_id": gate["id"], "guard": "gary", "start": hk(day, 8), "end": hk(day, 16)},
    )
    r = await security.client.post(
        "/v1/shifts",
        json={"post_id": lobby["id"], "guard": "gary", "start": hk(day, 15), "end": hk(day, 20)},
    )
    clash = assert_problem(r, 409, "guard")
    assert clash["clash_shift_id"] == first["id"] and clash["clash_post_id"] == gate["id"]
    assert "G1" in clash["detail"]
    # taken off the roster, the clash is gone (and the first shift with it)
    r = await security.client.delete(f"/v1/shifts/{first['id']}")
    assert r.status_code == 204, r.text
    r = await security.client.delete(f"/v1/shifts/{first['id']}")
    assert_problem(r, 404, "shift_id")
    first = await post_json(
        security,
        "/v1/shifts",
        {"post_id": gate["id"], "guard": "gary", "start": hk(day, 8), "end": hk(day, 16)},
    )
    # touching is fine; another guard is fine
    await post_json(
        security,
        "/v1/shifts",
        {"post_id": lobby["id"], "guard": "gary", "start": hk(day, 16), "end": hk(day, 20)},
    )
    await post_json(
        security,
        "/v1/shifts",
        {"post_id": lobby["id"], "guard": "hana", "start": hk(day, 8), "end": hk(day, 16)},
    )
    # the guard must be a security user
    r = await security.client.post(
        "/v1/shifts",
        json={"post_id": gate["id"], "guard": "desk-amy", "start": hk(day, 20), "end": hk(day, 21)},
    )
    assert_problem(r, 422, "guard")
    r = await security.client.post(
        "/v1/shifts",
        json={"post_id": gate["id"], "guard": "nobody", "start": hk(day, 20), "end": hk(day, 21)},
    )
    assert_problem(r, 422, "guard")
    r = await security.client.post(
        "/v1/shifts",
        json={"post_id": gate["id"], "guard": "hana", "start": hk(day, 21), "end": hk(day, 20)},
    )
    assert_problem(r, 422, "end")

    # concurrent requests for the same guard at overlapping times: exactly one wins
    day2 = "2026-11-28"
    results = await asyncio.gather(
        *(
            security.client.post(
                "/v1/shifts",
                json={
                    "post_id": post["id"],
                    "guard": "hana",
                    "start": hk(day2, 8 + i),
                    "end": hk(day2, 12 + i),
                },
            )
            for i, post in enumerate([gate, lobby, gate, lobby])
        )
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [201, 409, 409, 409], [r.text for r in results]
    shifts = (
        await security.client.get("/v1/shifts", params={"guard": "hana", "ends_after": hk(day2, 0)})
    ).json()
    assert shifts["total"] == 1


async def test_a_failing_post_check_publishes_its_event(security: RunningApp) -> None:
    gate = await a_post(security, hours=[{"from": "00:00", "to": "00:00"}])
    now = datetime.now(UTC)
    await post_json(
        security,
        "/v1/shifts",
        {
            "post_id": gate["id"],
            "guard": "gary",
            "start": (now - timedelta(hours=1)).isoformat(),
            "end": (now + timedelta(hours=1)).isoformat(),
        },
    )
    good = await post_json(
        security,
        "/v1/post-checks",
        {"post_id": gate["id"], "present": True, "dressed": True, "alert": True},
    )
    assert good["passed"] is True and good["checked_by"] == "test-user"
    bad = await post_json(
        security,
        "/v1/post-checks",
        {
            "post_id": gate["id"],
            "checked_by": "supervisor-may",
            "present": True,
            "dressed": True,
            "alert": False,
            "notes": "dozing",
        },
    )
    assert bad["passed"] is False and bad["guards_on_duty"] == ["gary"]
    sent = await events_of(security, "propops.security.post_check.failed.v1")
    assert len(sent) == 1
    assert sent[0]["check_id"] == bad["id"] and sent[0]["alert"] is False
    assert sent[0]["post_code"] == "G1" and sent[0]["guards_on_duty"] == ["gary"]
    failing = (await security.client.get("/v1/post-checks", params={"passed": "false"})).json()
    assert [c["id"] for c in failing["items"]] == [bad["id"]]
    r = await security.client.post(
        "/v1/post-checks", json={"post_id": "nope", "present": True, "dressed": True, "alert": True}
    )
    assert_problem(r, 404, "post_id")


async def test_incidents_have_references_and_publish(security: RunningApp) -> None:
    body = {
        "property_id": PROPERTY,
        "kind": "intrusion",
        "location": "Car park B2",
        "description": "Door forced",
        "severity": "critical",
    }
    first = await post_json(security, "/v1/incidents", body)
    low = {**body, "severity": "low", "kind": "other", "description": "Lamp out"}
    second = await post_json(security, "/v1/incidents", low)
    assert first["reference"].startswith("SI-") and first["reference"].endswith("00001")
    assert second["reference"].endswith("00002")
    sent = await events_of(security, "propops.security.incident.reported.v1")
    assert [(e["reference"], e["severity"]) for e in sent] == [
        (first["reference"], "critical"),
        (second["reference"], "low"),
    ]
    found = (await security.client.get("/v1/incidents", params={"q": "forced"})).json()
    assert [i["id"] for i in found["items"]] == [first["id"]]
    r = await security.client.post("/v1/incidents", json={**body, "severity": "apocalyptic"})
    assert_problem(r, 422, "severity")
    r = await security.client.get(
        f"/v1/incidents/{first['id']}", headers=auth(security, "security", property_ids=["p-2"])
    )
    assert r.status_code in (403, 404)
