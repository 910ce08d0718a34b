"""The front desk's supervisor (客服領班) as a role: given and taken through the gateway's user
management (with ``frontdesk``, never alone), old tokens ending at the change, the front desk's
copy of the users carrying it, the supervisor's actions let through and a plain clerk's refused;
a manager signs the day through the gateway (``MANAGER_ACTIONS``); the admin page offers it."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select
from test_identity import add_user, bearer, sign_in, start_gateway

from frontdesk.app import create_app as create_frontdesk
from frontdesk.settings import FrontdeskSettings
from propops.directory.models import DirectoryUser
from propops.testing.fixtures import eventually
from propops.timezones import today_in


def problem(r: httpx.Response, status: int, field: str | None = None) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    if field is not None:
        assert r.json()["field"] == field, r.json()
    return r.json()


async def test_the_role_is_given_and_taken(start_service) -> None:
    fd = await start_service(create_frontdesk, "frontdesk", settings_cls=FrontdeskSettings)
    gw = await start_gateway(start_service, frontdesk=fd.url)
    api = gw.client
    sue = await add_user(gw, "sue", "frontdesk")
    await add_user(gw, "amy", "frontdesk")
    await add_user(gw, "boss", "manager")
    amy = bearer(await sign_in(gw, "amy", "amy-pass-1"))
    boss = bearer(await sign_in(gw, "boss", "boss-pass-1"))
    before = bearer(await sign_in(gw, "sue", "sue-pass-1"))

    # the supervisor is the front desk's: never alone
    r = await api.post(
        "/api/users", json={"username": "sal", "password": "sal-pass-12", "roles": ["supervisor"]}
    )
    problem(r, 422, "roles")
    problem(await api.patch(f"/api/users/{sue['id']}", json={"roles": ["supervisor"]}), 422)

    # given: the version rises, the old token ends, the service's copy carries the role
    r = await api.patch(f"/api/users/{sue['id']}", json={"roles": ["frontdesk", "supervisor"]})
    assert r.status_code == 200, r.text
    given = r.json()
    assert given["roles"] == ["frontdesk", "supervisor"] and given["version"] > sue["version"]
    problem(await api.get("/api/frontdesk/v1/properties", headers=before), 401)
    sup = bearer(await sign_in(gw, "sue", "sue-pass-1"))

    async def copy_roles() -> list[str] | None:
        async with fd.ctx.db.sessions() as session:
            row = await session.scalar(select(DirectoryUser).where(DirectoryUser.username == "sue"))
            ok = row is not None and row.version == given["version"]
            return list(row.roles) if ok else None

    assert await eventually(copy_roles, within=15, what="the role in the copy") == [
        "frontdesk",
        "supervisor",
    ]

    # the supervisor adds a shift; a plain clerk may not (403 problem+json naming the field)
    prop = (
        await api.post("/api/frontdesk/v1/properties", json={"code": "SUP", "name": "S"})
    ).json()
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    shift = {
        "property_id": prop["id"],
        "user": "amy",
        "post": "reception",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=8)).isoformat(),
    }
    problem(await api.post("/api/frontdesk/v1/staff-shifts", json=shift, headers=amy), 403, "user")
    for _ in range(300):  # amy reaches the copy by event: 422 naming `user` until then
        r = await api.post("/api/frontdesk/v1/staff-shifts", json=shift, headers=sup)
        if r.status_code != 422:
            break
        await asyncio.sleep(0.1)
    assert r.status_code == 201 and r.json()["created_by"] == "sue", r.text

    # the day: a clerk may not sign it; a manager may, through the gateway; then it is signed
    day = {"property_id": prop["id"], "date": today_in(prop["time_zone"]).isoformat()}
    path = "/api/frontdesk/v1/daily-reviews"
    problem(await api.post(path, json=day, headers=amy), 403, "signed_by")
    r = await api.post(path, json=day, headers=boss)
    assert r.status_code == 201 and r.json()["signed_by"] == "boss", r.text
    problem(await api.post(path, json=day, headers=sup), 409, "date")
    # ...but a manager still only reads the rest of the front desk
    problem(await api.post("/api/frontdesk/v1/staff-shifts", json=shift, headers=boss), 403)

    # taken: the supervisor's token ends; signed in again, sue is a plain clerk
    r = await api.patch(f"/api/users/{sue['id']}", json={"roles": ["frontdesk"]})
    assert r.status_code == 200 and r.json()["roles"] == ["frontdesk"], r.text
    problem(await api.get("/api/frontdesk/v1/properties", headers=sup), 401)
    plain = bearer(await sign_in(gw, "sue", "sue-pass-1"))
    later = {**shift, "start": shift["end"], "end": (start + timedelta(hours=12)).isoformat()}
    problem(await api.post("/api/frontdesk/v1/staff-shifts", json=later, headers=plain), 403)
    # and directly on the service the old token stops once the copy has the change
    async with httpx.AsyncClient(base_url=fd.url, timeout=30) as direct:

        async def refused() -> bool:
            r = await direct.get("/v1/properties", headers=sup)
            return r.status_code == 401

        await eventually(refused, within=15, what="the former supervisor's token refused")


async def test_the_admin_page_offers_the_role(start_service) -> None:
    fd = await start_service(create_frontdesk, "frontdesk", settings_cls=FrontdeskSettings)
    gw = await start_gateway(start_service, frontdesk=fd.url)  # the page lists the properties
    async with httpx.AsyncClient(base_url=gw.url, timeout=30) as b:
        page = await b.get("/signin?next=/admin/users")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        r = await b.post(
            "/signin",
            data={
                "csrf_token": csrf,
                "username": "admin",
                "password": "admin-pass-123",
                "next": "/admin/users",
            },
        )
        assert r.status_code == 303, r.text
        page = await b.get("/admin/users")
        assert page.status_code == 200
        assert re.search(r'value="supervisor"', page.text) and "客服領班" in page.text
