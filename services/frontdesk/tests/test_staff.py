"""The desk's own staff: shifts (no one on two at once), leave (approved leave uncovers shifts
until reassigned), clock-in/out against the 20-minute arrival standard, training due; what only
the desk's supervisor (客服領班) may do."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from frontdesk.app import create_app
from frontdesk.leave_requests.models import LeaveRequest
from frontdesk.settings import FrontdeskSettings
from frontdesk.training.service import add_months
from propops.testing.events import outbox_data
from propops.testing.fixtures import RunningApp
from propops.testing.tasks import auth, known_user
from propops.timezones import today_in


@pytest.fixture
async def fd(start_service) -> RunningApp:
    app = await start_service(create_app, "frontdesk", settings_cls=FrontdeskSettings)
    await known_user(app, "amy", "frontdesk")
    await known_user(app, "ben", "frontdesk")
    await known_user(app, "gary", "security")
    await known_user(app, "boss", "manager")
    return app


async def a_property(fd: RunningApp, code: str = "HKA") -> str:
    r = await fd.client.post("/v1/properties", json={"code": code, "name": code})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def hk(day: str, hour: int, minute: int = 0) -> str:
    local = datetime.fromisoformat(f"{day}T{hour:02d}:{minute:02d}:00+08:00")
    return local.astimezone(UTC).isoformat()


def iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


async def ok(r: Any, status: int = 200) -> dict[str, Any]:
    r = await r
    assert r.status_code == status, r.text
    return r.json()


def problem(r: httpx.Response, status: int, field: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["field"] == field, r.json()
    return r.json()


def shift(prop: str, user: str, start: str, end: str, post: str = "reception") -> dict[str, Any]:
    return {"property_id": prop, "user": user, "post": post, "start": start, "end": end}


async def test_no_one_is_on_two_shifts_at_once(fd: RunningApp) -> None:
    prop = await a_property(fd)
    day = "2026-12-01"
    c = fd.client
    first = await ok(
        c.post("/v1/staff-shifts", json=shift(prop, "amy", hk(day, 8), hk(day, 16))), 201
    )
    assert first["status"] == "scheduled" and first["day"] == day
    assert first["uncovered"] is False and first["late"] is False and first["absent"] is False
    r = await c.post(
        "/v1/staff-shifts", json=shift(prop, "amy", hk(day, 15), hk(day, 20), post="lobby")
    )
    clash = problem(r, 409, "user")
    assert clash["clash_shift_id"] == first["id"] and clash["clash_post"] == "reception"
    # touching is fine, another clerk is fine; the day is the property's (Hong Kong) day
    await ok(c.post("/v1/staff-shifts", json=shift(prop, "amy", hk(day, 16), hk(day, 20))), 201)
    late_night = await ok(
        c.post("/v1/staff-shifts", json=shift(prop, "ben", hk(day, 1), hk(day, 9), "lobby")), 201
    )
    assert late_night["day"] == day  # 17:00 UTC the day before
    # bad input names the field
    problem(
        await c.post("/v1/staff-shifts", json=shift(prop, "gary", hk(day, 20), hk(day, 22))),
        422,
        "user",
    )
    problem(
        await c.post("/v1/staff-shifts", json=shift(prop, "nobody", hk(day, 20), hk(day, 22))),
        422,
        "user",
    )
    problem(
        await c.post("/v1/staff-shifts", json=shift("nope", "ben", hk(day, 20), hk(day, 22))),
        422,
        "property_id",
    )
    problem(
        await c.post("/v1/staff-shifts", json=shift(prop, "ben", hk(day, 22), hk(day, 20))),
        422,
        "end",
    )
    r = await c.post("/v1/staff-shifts", json=shift(prop, "ben", hk(day, 20), hk(day, 22), " "))
    problem(r, 422, "post")

    # the day's roster, a clerk's, filters checked
    items = (await ok(c.get("/v1/staff-shifts", params={"property_id": prop, "date": day})))[
        "items"
    ]
    assert [(s["user"], s["post"]) for s in items] == [
        ("ben", "lobby"),
        ("amy", "reception"),
        ("amy", "reception"),
    ]
    for key in (
        "id",
        "user",
        "post",
        "start",
        "end",
        "status",
        "clocked_in_at",
        "clocked_out_at",
        "late",
        "late_minutes",
        "absent",
        "uncovered",
    ):
        assert key in items[0]
    page = await ok(c.get("/v1/staff-shifts", params={"user": "ben"}))
    assert page["total"] == 1
    assert (await c.get("/v1/staff-shifts", params={"date": "someday"})).status_code == 422

    # cancelled (with a stale version: 412), the slot is free again
    r = await c.post(f"/v1/staff-shifts/{first['id']}/cancel", json={}, headers={"If-Match": '"7"'})
    assert r.status_code == 412 and r.json()["current_version"] == 1
    cancelled = await ok(
        c.post(
            f"/v1/staff-shifts/{first['id']}/cancel",
            json={"reason": "training day"},
            headers={"If-Match": '"1"'},
        )
    )
    assert cancelled["status"] == "cancelled" and cancelled["cancel_reason"] == "training day"
    r = await c.post(f"/v1/staff-shifts/{first['id']}/cancel", json={})
    assert r.status_code == 409 and r.json()["current_state"] == "cancelled"
    await ok(c.post("/v1/staff-shifts", json=shift(prop, "amy", hk(day, 9), hk(day, 15))), 201)


async def test_approved_leave_uncovers_shifts_until_reassigned(fd: RunningApp) -> None:
    prop = await a_property(fd)
    c = fd.client
    amy, boss = auth(fd, "frontdesk", user="amy"), auth(fd, "manager", user="boss")
    mon = await ok(
        c.post(
            "/v1/staff-shifts", json=shift(prop, "amy", hk("2026-12-07", 8), hk("2026-12-07", 16))
        ),
        201,
    )
    tue = await ok(
        c.post(
            "/v1/staff-shifts", json=shift(prop, "amy", hk("2026-12-08", 8), hk("2026-12-08", 16))
        ),
        201,
    )
    thu = await ok(
        c.post(
            "/v1/staff-shifts", json=shift(prop, "amy", hk("2026-12-10", 8), hk("2026-12-10", 16))
        ),
        201,
    )
    await ok(
        c.post(
            "/v1/staff-shifts", json=shift(prop, "ben", hk("2026-12-08", 14), hk("2026-12-08", 20))
        ),
        201,
    )

    body = {
        "property_id": prop,
        "user": "amy",
        "from": "2026-12-07",
        "to": "2026-12-08",
        "kind": "annual",
        "reason": "trip",
    }
    leave = await ok(c.post("/v1/leave-requests", json=body, headers=amy), 201)
    assert (
        leave["status"] == "requested"
        and leave["from"] == "2026-12-07"
        and leave["requested_by"] == "amy"
    )
    problem(
        await c.post(
            "/v1/leave-requests",
            json={**body, "from": "2026-12-08", "to": "2026-12-09"},
            headers=amy,
        ),
        409,
        "from",
    )
    problem(await c.post("/v1/leave-requests", json={**body, "to": "2026-12-01"}), 422, "to")
    problem(await c.post("/v1/leave-requests", json={**body, "kind": "holiday"}), 422, "kind")
    problem(await c.post("/v1/leave-requests", json={**body, "user": "gary"}), 422, "user")
    # one event for the request (the refused ones made none): the supervisor is told by it
    [told] = await outbox_data(fd, "propops.frontdesk.leave_request.requested.v1")
    assert (told["leave_id"], told["user"], told["date_from"], told["date_to"]) == (
        leave["id"],
        "amy",
        "2026-12-07",
        "2026-12-08",
    )
    assert told["kind"] == "annual" and told["requested_by"] == "amy"
    assert told["property_id"] == prop == leave["property_id"]
    # requested only: nothing uncovered yet; the desk may not approve, nor anyone their own leave
    assert (await ok(c.get("/v1/staff-shifts", params={"uncovered": "true"})))["total"] == 0
    r = await c.post(f"/v1/leave-requests/{leave['id']}/approve", json={}, headers=amy)
    assert r.status_code == 403
    amy_boss = auth(fd, "manager", user="amy")
    problem(
        await c.post(f"/v1/leave-requests/{leave['id']}/approve", json={}, headers=amy_boss),
        403,
        "decided_by",
    )
    r = await c.post(
        f"/v1/leave-requests/{leave['id']}/approve", json={}, headers={**boss, "If-Match": '"3"'}
    )
    assert r.status_code == 412
    approved = await ok(
        c.post(
            f"/v1/leave-requests/{leave['id']}/approve",
            json={},
            headers={**boss, "If-Match": '"1"'},
        )
    )
    assert approved["status"] == "approved" and approved["decided_by"] == "boss"

    uncovered = (
        await ok(c.get("/v1/staff-shifts", params={"uncovered": "true", "property_id": prop}))
    )["items"]
    assert [s["id"] for s in uncovered] == [mon["id"], tue["id"]]
    assert all(s["uncovered"] and s["uncovered_leave_id"] == leave["id"] for s in uncovered)
    assert (await ok(c.get(f"/v1/staff-shifts/{thu['id']}")))["uncovered"] is False
    # no new shift for amy on her leave
    r = await c.post(
        "/v1/staff-shifts", json=shift(prop, "amy", hk("2026-12-08", 18), hk("2026-12-08", 22))
    )
    assert problem(r, 409, "user")["leave_id"] == leave["id"]

    # reassigning: the same clash rule (ben is on at 14:00 on Tuesday), then the flag clears
    r = await c.post(f"/v1/staff-shifts/{tue['id']}/reassign", json={"user": "ben"})
    assert problem(r, 409, "user")["clash_shift_id"] != tue["id"]
    problem(
        await c.post(f"/v1/staff-shifts/{mon['id']}/reassign", json={"user": "gary"}), 422, "user"
    )
    r = await c.get(f"/v1/staff-shifts/{mon['id']}")
    etag = r.headers["ETag"]
    moved = await ok(
        c.post(
            f"/v1/staff-shifts/{mon['id']}/reassign",
            json={"user": "ben"},
            headers={"If-Match": etag},
        )
    )
    assert (
        moved["user"] == "ben"
        and moved["uncovered"] is False
        and moved["uncovered_leave_id"] is None
    )
    cancelled = await ok(
        c.post(f"/v1/staff-shifts/{tue['id']}/cancel", json={"reason": "no cover"})
    )
    assert cancelled["uncovered"] is False
    assert (await ok(c.get("/v1/staff-shifts", params={"uncovered": "true"})))["total"] == 0

    # a cancelled approved leave covers its shifts again; refusing needs a reason
    wed = await ok(
        c.post(
            "/v1/staff-shifts", json=shift(prop, "amy", hk("2026-12-16", 8), hk("2026-12-16", 16))
        ),
        201,
    )
    sick = await ok(
        c.post(
            "/v1/leave-requests",
            json={
                "property_id": prop,
                "user": "amy",
                "from": "2026-12-16",
                "to": "2026-12-16",
                "kind": "sick",
            },
        ),
        201,
    )
    await ok(c.post(f"/v1/leave-requests/{sick['id']}/approve", json={}, headers=boss))
    assert (await ok(c.get(f"/v1/staff-shifts/{wed['id']}")))["uncovered"] is True
    ben = auth(fd, "frontdesk", user="ben")
    problem(
        await c.post(f"/v1/leave-requests/{sick['id']}/cancel", json={}, headers=ben), 403, "user"
    )
    await ok(c.post(f"/v1/leave-requests/{sick['id']}/cancel", json={}, headers=amy))
    assert (await ok(c.get(f"/v1/staff-shifts/{wed['id']}")))["uncovered"] is False
    other = await ok(
        c.post(
            "/v1/leave-requests",
            json={
                "property_id": prop,
                "user": "ben",
                "from": "2026-12-20",
                "to": "2026-12-21",
                "kind": "personal",
            },
        ),
        201,
    )
    problem(
        await c.post(f"/v1/leave-requests/{other['id']}/refuse", json={}, headers=boss),
        422,
        "reason",
    )
    refused = await ok(
        c.post(
            f"/v1/leave-requests/{other['id']}/refuse", json={"reason": "year end"}, headers=boss
        )
    )
    assert refused["status"] == "refused" and refused["refusal_reason"] == "year end"
    r = await c.post(f"/v1/leave-requests/{other['id']}/approve", json={}, headers=boss)
    assert r.status_code == 409 and r.json()["current_state"] == "refused"
    listed = await ok(c.get("/v1/leave-requests", params={"status": "approved"}))
    assert [x["id"] for x in listed["items"]] == [leave["id"]]


async def test_leave_is_seen_and_decided_by_property(fd: RunningApp) -> None:
    """A supervisor limited to property A neither lists, reads nor decides leave asked at B;
    a request without a property (made before leave had one) is for all-property users only."""
    a, b = await a_property(fd, "HKA"), await a_property(fd, "HKB")
    await known_user(fd, "sam", "frontdesk", "supervisor", property_ids=[a])
    await known_user(fd, "cal", "frontdesk", property_ids=[b])
    c = fd.client
    day = {"from": "2027-01-11", "to": "2027-01-12", "kind": "annual"}
    asks = "/v1/leave-requests"
    at_a = await ok(c.post(asks, json={**day, "property_id": a, "user": "amy"}), 201)
    at_b = await ok(c.post(asks, json={**day, "property_id": b, "user": "ben"}), 201)
    # a request names its property, one that exists, where the clerk may work
    problem(await c.post("/v1/leave-requests", json={**day, "user": "cal"}), 422, "property_id")
    problem(
        await c.post("/v1/leave-requests", json={**day, "property_id": "nope", "user": "cal"}),
        422,
        "property_id",
    )
    problem(
        await c.post("/v1/leave-requests", json={**day, "property_id": a, "user": "cal"}),
        422,
        "user",
    )
    async with fd.ctx.db.sessions() as session:  # a request from before leave had a property
        old = LeaveRequest(
            user="cal",
            date_from=date(2026, 1, 5),
            date_to=date(2026, 1, 5),
            kind="sick",
            status="requested",
            requested_by="cal",
        )
        session.add(old)
        await session.commit()
        old_id = old.id

    sam = auth(fd, "frontdesk", "supervisor", user="sam", property_ids=[a])
    mine = await ok(c.get("/v1/leave-requests", headers=sam))
    assert [x["id"] for x in mine["items"]] == [at_a["id"]]
    only_b = await ok(c.get("/v1/leave-requests", params={"property_id": b}, headers=sam))
    assert only_b["total"] == 0
    for path in (at_b["id"], old_id):
        problem(await c.get(f"/v1/leave-requests/{path}", headers=sam), 403, "property_id")
        problem(
            await c.post(f"/v1/leave-requests/{path}/approve", json={}, headers=sam),
            403,
            "property_id",
        )
        problem(
            await c.post(f"/v1/leave-requests/{path}/refuse", json={"reason": "busy"}, headers=sam),
            403,
            "property_id",
        )
    # nor asks for leave at B (403), while at A he decides as before
    r = await c.post(
        "/v1/leave-requests", json={**day, "property_id": b, "user": "amy"}, headers=sam
    )
    problem(r, 403, "property_id")
    yes = await ok(c.post(f"/v1/leave-requests/{at_a['id']}/approve", json={}, headers=sam))
    assert yes["status"] == "approved"
    # a manager of every property sees all three, the old one without a property
    boss = auth(fd, "manager", user="boss")
    every = await ok(c.get("/v1/leave-requests", headers=boss))
    got = {x["id"]: x["property_id"] for x in every["items"]}
    assert got == {at_a["id"]: a, at_b["id"]: b, old_id: None}
    assert (await ok(c.get(f"/v1/leave-requests/{at_b['id']}", headers=boss)))["user"] == "ben"
    no = await ok(
        c.post(f"/v1/leave-requests/{old_id}/refuse", json={"reason": "late"}, headers=boss)
    )
    assert no["status"] == "refused"


async def test_clock_in_late_and_absent(fd: RunningApp) -> None:
    prop = await a_property(fd)
    c = fd.client
    amy, ben = auth(fd, "frontdesk", user="amy"), auth(fd, "frontdesk", user="ben")
    now = datetime.now(UTC).replace(microsecond=0)
    # started an hour ago, no clock-in: absent
    started = await ok(
        c.post(
            "/v1/staff-shifts",
            json=shift(
                prop, "amy", iso(now - timedelta(hours=1)), iso(now + timedelta(minutes=20))
            ),
        ),
        201,
    )
    assert started["absent"] is True and started["late"] is False
    assert (await ok(c.get(f"/v1/staff-shifts/{started['id']}")))["absent"] is True
    # only the clerk herself clocks in
    problem(
        await c.post(f"/v1/staff-shifts/{started['id']}/clock-in", json={}, headers=ben),
        403,
        "user",
    )
    problem(
        await c.post(
            f"/v1/staff-shifts/{started['id']}/clock-in",
            json={"at": iso(now + timedelta(hours=1))},
            headers=amy,
        ),
        422,
        "at",
    )
    r = await c.post(f"/v1/staff-shifts/{started['id']}/clock-out", json={}, headers=amy)
    assert r.status_code == 409 and r.json()["current_state"] == "scheduled"
    at = now - timedelta(minutes=30)  # 30 minutes after the start: 50 after arrive-by
    inn = await ok(
        c.post(f"/v1/staff-shifts/{started['id']}/clock-in", json={"at": iso(at)}, headers=amy)
    )
    assert inn["status"] == "on_duty" and inn["clocked_in_by"] == "amy"
    assert inn["absent"] is False and inn["late"] is True and inn["late_minutes"] == 50
    problem(
        await c.post(
            f"/v1/staff-shifts/{started['id']}/clock-out",
            json={"at": iso(at - timedelta(minutes=1))},
            headers=amy,
        ),
        422,
        "at",
    )
    out = await ok(c.post(f"/v1/staff-shifts/{started['id']}/clock-out", json={}, headers=amy))
    assert (
        out["status"] == "done" and out["clocked_out_at"] is not None and out["late_minutes"] == 50
    )

    # 25 minutes before the start: on time; 10 minutes before: 10 minutes late
    start = now + timedelta(hours=5)
    early = await ok(
        c.post(
            "/v1/staff-shifts", json=shift(prop, "ben", iso(start), iso(start + timedelta(hours=4)))
        ),
        201,
    )
    assert early["absent"] is False and early["arrive_by"].startswith(
        iso(start - timedelta(minutes=20))[:19]
    )
    problem(
        await c.post(
            f"/v1/staff-shifts/{early['id']}/clock-in", json={"at": iso(now)}, headers=ben
        ),
        422,
        "at",
    )
    start = now + timedelta(minutes=25)
    on_time = await ok(
        c.post(
            "/v1/staff-shifts", json=shift(prop, "amy", iso(start), iso(start + timedelta(hours=4)))
        ),
        201,
    )
    r = await ok(c.post(f"/v1/staff-shifts/{on_time['id']}/clock-in", json={}, headers=amy))
    assert r["late"] is False and r["late_minutes"] is None
    start = now + timedelta(minutes=10)
    tight = await ok(
        c.post(
            "/v1/staff-shifts", json=shift(prop, "ben", iso(start), iso(start + timedelta(hours=4)))
        ),
        201,
    )
    r = await ok(
        c.post(f"/v1/staff-shifts/{tight['id']}/clock-in", json={"at": iso(now)}, headers=ben)
    )
    assert r["late"] is True and r["late_minutes"] == 10


async def test_the_supervisor_runs_the_roster_and_decides_leave(fd: RunningApp) -> None:
    """A plain clerk: 403 problem+json to add, reassign or cancel a shift, approve or refuse
    leave, sign the day or clock someone else; the supervisor does each (clocking recorded as
    by the supervisor), never deciding on their own leave; a manager decides leave only."""
    await known_user(fd, "sam", "frontdesk", "supervisor")
    prop = await a_property(fd)
    c = fd.client
    amy, ben = auth(fd, "frontdesk", user="amy"), auth(fd, "frontdesk", user="ben")
    sam, boss = auth(fd, "frontdesk", "supervisor", user="sam"), auth(fd, "manager", user="boss")
    now = datetime.now(UTC).replace(microsecond=0)
    body = shift(prop, "amy", iso(now - timedelta(minutes=30)), iso(now + timedelta(hours=4)))

    # the roster is the supervisor's: not a plain clerk's, nor a manager's (managers read)
    problem(await c.post("/v1/staff-shifts", json=body, headers=amy), 403, "user")
    r = await c.post("/v1/staff-shifts", json=body, headers=boss)
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
    started = await ok(c.post("/v1/staff-shifts", json=body, headers=sam), 201)
    assert started["created_by"] == "sam"
    day = "2026-12-21"
    later = await ok(
        c.post("/v1/staff-shifts", json=shift(prop, "amy", hk(day, 8), hk(day, 16)), headers=sam),
        201,
    )
    path = f"/v1/staff-shifts/{later['id']}"
    problem(await c.post(f"{path}/reassign", json={"user": "ben"}, headers=amy), 403, "user")
    problem(await c.post(f"{path}/cancel", json={}, headers=amy), 403, "user")
    moved = await ok(c.post(f"{path}/reassign", json={"user": "ben"}, headers=sam))
    assert moved["user"] == "ben"
    gone = await ok(c.post(f"{path}/cancel", json={"reason": "quiet day"}, headers=sam))
    assert gone["status"] == "cancelled" and gone["cancelled_by"] == "sam"

    # clocking someone else: the supervisor (recorded), not another clerk
    path = f"/v1/staff-shifts/{started['id']}"
    problem(await c.post(f"{path}/clock-in", json={}, headers=ben), 403, "user")
    inn = await ok(c.post(f"{path}/clock-in", json={}, headers=sam))
    assert inn["status"] == "on_duty" and inn["clocked_in_by"] == "sam"
    problem(await c.post(f"{path}/clock-out", json={}, headers=ben), 403, "user")
    out = await ok(c.post(f"{path}/clock-out", json={}, headers=amy))
    assert out["clocked_out_by"] == "amy"

    # leave: the supervisor or a manager decides, never on their own
    leave = {
        "property_id": prop,
        "user": "amy",
        "from": "2026-12-28",
        "to": "2026-12-28",
        "kind": "personal",
    }
    first = await ok(c.post("/v1/leave-requests", json=leave, headers=amy), 201)
    problem(
        await c.post(f"/v1/leave-requests/{first['id']}/approve", json={}, headers=ben),
        403,
        "decided_by",
    )
    problem(
        await c.post(
            f"/v1/leave-requests/{first['id']}/refuse", json={"reason": "busy"}, headers=ben
        ),
        403,
        "decided_by",
    )
    yes = await ok(c.post(f"/v1/leave-requests/{first['id']}/approve", json={}, headers=sam))
    assert yes["status"] == "approved" and yes["decided_by"] == "sam"
    own = await ok(c.post("/v1/leave-requests", json={**leave, "user": "sam"}, headers=sam), 201)
    problem(
        await c.post(f"/v1/leave-requests/{own['id']}/approve", json={}, headers=sam),
        403,
        "decided_by",
    )
    no = await ok(
        c.post(f"/v1/leave-requests/{own['id']}/refuse", json={"reason": "year end"}, headers=boss)
    )
    assert no["status"] == "refused" and no["decided_by"] == "boss"

    # the day's review: signed by the supervisor, not a plain clerk
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()  # begun everywhere
    review = {"property_id": prop, "date": yesterday}
    problem(await c.post("/v1/daily-reviews", json=review, headers=amy), 403, "signed_by")
    signed = await ok(c.post("/v1/daily-reviews", json=review, headers=sam), 201)
    assert signed["signed_by"] == "sam"


async def test_training_due(fd: RunningApp) -> None:
    prop = await a_property(fd)
    c = fd.client
    induction = await ok(
        c.post(
            "/v1/training-courses",
            json={"code": "IND", "name": "Pre-job training", "kind": "induction"},
        ),
        201,
    )
    yearly = await ok(
        c.post(
            "/v1/training-courses",
            json={
                "property_id": prop,
                "code": "SVC",
                "name": "Service standards",
                "kind": "in_service",
                "refresher_months": 12,
            },
        ),
        201,
    )
    problem(
        await c.post(
            "/v1/training-courses",
            json={"property_id": prop, "code": "IND", "name": "x", "kind": "induction"},
        ),
        409,
        "code",
    )
    problem(
        await c.post("/v1/training-courses", json={"code": "X", "name": "x", "kind": "weekly"}),
        422,
        "kind",
    )
    problem(
        await c.post(
            "/v1/training-courses",
            json={"code": "X", "name": "x", "kind": "in_service", "refresher_months": 0},
        ),
        422,
        "refresher_months",
    )

    hk_today = today_in("Asia/Hong_Kong")  # the property's day, whatever the machine's

    async def attend(
        course: dict[str, Any], user: str, on: date, passed: bool | None = True
    ) -> None:
        body = {
            "course_id": course["id"],
            "user": user,
            "attended_on": on.isoformat(),
            "trainer": "Ms Lau",
            "passed": passed,
        }
        await ok(c.post("/v1/training-records", json=body), 201)

    await attend(induction, "amy", hk_today - timedelta(days=800))
    await attend(induction, "ben", hk_today - timedelta(days=30), passed=False)  # failed: not done
    await attend(yearly, "amy", add_months(hk_today, -13))  # overdue
    await attend(yearly, "ben", add_months(hk_today, -12) + timedelta(days=10))  # due in 10 days
    problem(
        await c.post(
            "/v1/training-records",
            json={"course_id": yearly["id"], "user": "gary", "attended_on": hk_today.isoformat()},
        ),
        422,
        "user",
    )
    problem(
        await c.post(
            "/v1/training-records",
            json={"course_id": "nope", "user": "amy", "attended_on": hk_today.isoformat()},
        ),
        422,
        "course_id",
    )
    problem(
        await c.post(
            "/v1/training-records",
            json={
                "course_id": yearly["id"],
                "user": "amy",
                "attended_on": (hk_today + timedelta(days=2)).isoformat(),
            },
        ),
        422,
        "attended_on",
    )

    due = await ok(c.get("/v1/training-due", params={"property_id": prop, "within_days": 30}))
    got = {(i["user"], i["course_code"]): i for i in due["items"]}
    assert set(got) == {("ben", "IND"), ("amy", "SVC"), ("ben", "SVC")}, got
    assert got[("ben", "IND")]["never"] is True and got[("ben", "IND")]["overdue"] is True
    assert got[("amy", "SVC")]["overdue"] is True
    assert got[("amy", "SVC")]["due_on"] == add_months(add_months(hk_today, -13), 12).isoformat()
    assert got[("ben", "SVC")]["overdue"] is False and got[("ben", "SVC")]["never"] is False
    # a narrower window leaves ben's refresher out
    due = await ok(c.get("/v1/training-due", params={"property_id": prop, "within_days": 5}))
    assert {(i["user"], i["course_code"]) for i in due["items"]} == {("ben", "IND"), ("amy", "SVC")}
    problem(await c.get("/v1/training-due", params={"property_id": "nope"}), 422, "property_id")
    records = await ok(c.get("/v1/training-records", params={"user": "amy"}))
    assert records["total"] == 2


async def test_training_is_seen_by_property(fd: RunningApp) -> None:
    """A user limited to property A sees the courses of A and those for every property, and
    only their records; B's course is 403 to read or record."""
    a, b = await a_property(fd, "HKA"), await a_property(fd, "HKB")
    c = fd.client
    courses = {}
    for code, prop in (("ALL", None), ("A1", a), ("B1", b)):
        body = {"code": code, "name": code, "kind": "induction", "property_id": prop}
        courses[code] = (await ok(c.post("/v1/training-courses", json=body), 201))["id"]
    on = (today_in("Asia/Hong_Kong") - timedelta(days=3)).isoformat()
    records = {}
    for code in courses:
        body = {"course_id": courses[code], "user": "amy", "attended_on": on}
        records[code] = (await ok(c.post("/v1/training-records", json=body), 201))["id"]

    sam = auth(fd, "frontdesk", "supervisor", user="sam", property_ids=[a])
    seen = await ok(c.get("/v1/training-courses", headers=sam))
    assert [x["code"] for x in seen["items"]] == ["A1", "ALL"]
    seen = await ok(c.get("/v1/training-records", params={"user": "amy"}, headers=sam))
    assert {x["id"] for x in seen["items"]} == {records["ALL"], records["A1"]}
    problem(await c.get(f"/v1/training-courses/{courses['B1']}", headers=sam), 403, "property_id")
    assert (await ok(c.get(f"/v1/training-courses/{courses['ALL']}", headers=sam)))["code"] == "ALL"
    body = {"course_id": courses["B1"], "user": "amy", "attended_on": on}
    problem(await c.post("/v1/training-records", json=body, headers=sam), 403, "property_id")
    # someone who sees every property: all three, and all the records
    everyone = await ok(c.get("/v1/training-records", params={"user": "amy"}))
    assert everyone["total"] == 3


def test_add_months_keeps_the_end_of_month() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2025, 12, 15), 12) == date(2026, 12, 15)
    assert add_months(date(2026, 3, 1), -13) == date(2025, 2, 1)
