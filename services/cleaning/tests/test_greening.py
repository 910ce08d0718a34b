"""Greening: the contractor, jobs and their progress; a job behind its linear expected progress
is late (the rule as plain functions, the same rule in SQL, and the API's ``late=true``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine, literal, select

from cleaning.app import create_app
from cleaning.greening.progress import expected_progress, is_late, late_condition
from propops.testing.fixtures import RunningApp, token_for
from propops.timezones import DEFAULT_TIME_ZONE, today_in

D = date(2026, 11, 1)


def test_expected_progress_is_linear_from_start_to_expected_finish() -> None:
    finish = D + timedelta(days=10)
    assert expected_progress(D, finish, D - timedelta(days=1)) == 0
    assert expected_progress(D, finish, D) == 0
    assert expected_progress(D, finish, D + timedelta(days=4)) == 40
    assert expected_progress(D, D + timedelta(days=3), D + timedelta(days=1)) == 33  # floor
    assert expected_progress(D, finish, finish) == 100
    assert expected_progress(D, finish, finish + timedelta(days=5)) == 100
    assert expected_progress(D, D, D) == 100  # a one-day job


def test_late_means_active_and_below_expected() -> None:
    finish = D + timedelta(days=10)
    day4 = D + timedelta(days=4)
    assert is_late("active", 39, D, finish, day4)
    assert not is_late("active", 40, D, finish, day4)
    assert not is_late("active", 0, D, finish, D)  # nothing expected on the first day
    assert is_late("active", 99, D, finish, finish)
    assert not is_late("completed", 100, D, finish, finish + timedelta(days=1))
    assert not is_late("active", 0, D, finish, D - timedelta(days=3))


def test_the_sql_condition_agrees_with_the_plain_function() -> None:
    engine = create_engine("sqlite://")
    cases: list[tuple[str, int, int, int]] = [
        (status, progress, span, offset)
        for status in ("active", "completed")
        for progress in (0, 1, 32, 33, 34, 50, 99, 100)
        for span in (0, 1, 3, 10)
        for offset in (-2, 0, 1, 2, 3, 5, 10, 11, 40)
    ]
    with engine.connect() as conn:
        for status, progress, span, offset in cases:
            finish = D + timedelta(days=span)
            today = D + timedelta(days=offset)
            condition = late_condition(
                literal(status),
                literal(progress),
                literal(D.toordinal()),
                literal(finish.toordinal()),
                today,
            )
            in_sql = bool(conn.scalar(select(condition)))
            assert in_sql == is_late(status, progress, D, finish, today), (
                status,
                progress,
                span,
                offset,
            )


@pytest.fixture
async def cleaning(start_service) -> RunningApp:
    return await start_service(create_app, "cleaning")


def as_user(app: RunningApp, *roles: str, property_ids: list[str] | None = None) -> dict[str, str]:
    token = token_for(app.settings, *roles, property_ids=property_ids, user_id="ming")
    return {"Authorization": f"Bearer {token}"}


def day(n: int) -> str:
    return (today_in(DEFAULT_TIME_ZONE) + timedelta(days=n)).isoformat()


async def test_contractor_jobs_progress_and_late_list(cleaning: RunningApp) -> None:
    c = cleaning.client
    me = as_user(cleaning, "cleaning")
    r = await c.post(
        "/v1/contractors",
        json={"name": "Evergreen Landscaping", "phone": "2345 6789", "scope": "podium garden"},
        headers=me,
    )
    assert r.status_code == 201, r.text
    contractor = r.json()
    r = await c.post(
        "/v1/contractors", json={"name": "X", "phone": "call me", "scope": "s"}, headers=me
    )
    assert r.status_code == 422 and r.json()["field"] == "phone"
    found = (await c.get("/v1/contractors", params={"q": "6789"})).json()
    assert [x["id"] for x in found["items"]] == [contractor["id"]]

    area = (
        await c.post(
            "/v1/areas",
            json={
                "property_id": "p-1",
                "code": "garden-1",
                "name": "Podium garden",
                "kind": "garden",
            },
        )
    ).json()

    async def job(start: int, finish: int, **extra: Any) -> dict[str, Any]:
        body = {
            "property_id": "p-1",
            "contractor_id": contractor["id"],
            "kind": "maintenance",
            "description": "prune the hedges",
            "start_date": day(start),
            "expected_finish": day(finish),
            **extra,
        }
        r = await c.post("/v1/greening-jobs", json=body, headers=me)
        assert r.status_code == 201, r.text
        return r.json()

    behind = await job(-10, 10, kind="planting", area_id=area["id"])
    assert behind["expected_progress"] == 50 and behind["late"] is True
    assert behind["contractor_name"] == "Evergreen Landscaping"
    on_time = await job(-10, 10)
    not_started = await job(1, 5)
    overdue = await job(-20, -1)
    finished = await job(-20, -1)

    # progress: history, versions, never back, 100 completes
    r = await c.post(
        f"/v1/greening-jobs/{on_time['id']}/progress",
        json={"percent": 60, "notes": "east side done"},
        headers={**me, "If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["late"] is False and r.headers["ETag"] == '"2"'
    r = await c.post(
        f"/v1/greening-jobs/{on_time['id']}/progress",
        json={"percent": 70},
        headers={**me, "If-Match": '"1"'},
    )
    assert r.status_code == 412 and r.json()["current_version"] == 2
    r = await c.post(f"/v1/greening-jobs/{on_time['id']}/progress", json={"percent": 40})
    assert r.status_code == 422 and r.json()["field"] == "percent"
    r = await c.post(f"/v1/greening-jobs/{overdue['id']}/progress", json={"percent": 90})
    assert r.json()["late"] is True
    r = await c.post(f"/v1/greening-jobs/{finished['id']}/progress", json={"percent": 100})
    assert r.json()["status"] == "completed" and r.json()["late"] is False
    r = await c.post(f"/v1/greening-jobs/{finished['id']}/progress", json={"percent": 100})
    assert r.status_code == 409 and r.json()["current_state"] == "completed"
    detail = (await c.get(f"/v1/greening-jobs/{on_time['id']}")).json()
    assert [(h["percent"], h["notes"]) for h in detail["history"]] == [
        (0, None),  # the job's creation
        (60, "east side done"),
    ]

    late = (await c.get("/v1/greening-jobs", params={"late": "true"})).json()
    assert {j["id"] for j in late["items"]} == {behind["id"], overdue["id"]}
    assert all(j["late"] for j in late["items"])
    others = (await c.get("/v1/greening-jobs", params={"late": "false"})).json()
    assert {j["id"] for j in others["items"]} == {on_time["id"], not_started["id"], finished["id"]}


async def test_greening_job_input_is_checked_and_scoped(cleaning: RunningApp) -> None:
    c = cleaning.client
    contractor = (
        await c.post(
            "/v1/contractors", json={"name": "Leafy", "phone": "+852 2222 3333", "scope": "all"}
        )
    ).json()
    other_area = (
        await c.post(
            "/v1/areas",
            json={"property_id": "p-2", "code": "G", "name": "Garden", "kind": "garden"},
        )
    ).json()
    base = {
        "property_id": "p-1",
        "contractor_id": contractor["id"],
        "kind": "planting",
        "description": "plant camellias",
        "start_date": day(0),
        "expected_finish": day(3),
    }
    for change, field in [
        ({"contractor_id": "nope"}, "contractor_id"),
        ({"area_id": other_area["id"]}, "area_id"),
        ({"area_id": "nope"}, "area_id"),
        ({"expected_finish": day(-1)}, "expected_finish"),
        ({"kind": "mowing"}, "kind"),
        ({"description": "   "}, "description"),
    ]:
        r = await c.post("/v1/greening-jobs", json={**base, **change})
        assert r.status_code == 422 and r.json()["field"] == field, (change, r.text)
    p1 = as_user(cleaning, "cleaning", property_ids=["p-1"])
    r = await c.post("/v1/greening-jobs", json={**base, "property_id": "p-2"}, headers=p1)
    assert r.status_code == 403
    job = (await c.post("/v1/greening-jobs", json={**base, "property_id": "p-2"})).json()
    assert (await c.get(f"/v1/greening-jobs/{job['id']}", headers=p1)).status_code == 403
    assert (await c.get("/v1/greening-jobs", headers=p1)).json()["total"] == 0
    manager = as_user(cleaning, "manager")
    assert (await c.get("/v1/greening-jobs", headers=manager)).status_code == 200
    r = await c.post(
        f"/v1/greening-jobs/{job['id']}/progress", json={"percent": 5}, headers=manager
    )
    assert r.status_code == 403
