"""The gateway: sign-in, users, rights, routing to services, health, failures as problems."""

from __future__ import annotations

import asyncio
import contextlib
import importlib

import httpx
import pytest

from gateway.app import create_app
from gateway.settings import GatewaySettings
from propops.settings import DEPARTMENTS
from propops.testing.fixtures import RunningApp, eventually, free_port

ADMIN_PASSWORD = "admin-pass-123"


async def sign_in(gw: RunningApp, username: str, password: str) -> str:
    r = await gw.client.post("/api/auth/token", data={"username": username, "password": password})
    assert r.status_code == 200, r.text
    assert r.json()["token_type"] == "bearer"
    return r.json()["access_token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def start_gateway(start_service):
    async def start(urls: dict[str, str] | None = None, **kw: object) -> RunningApp:
        overrides = {f"{name}_url": f"http://127.0.0.1:{free_port()}" for name in DEPARTMENTS}
        overrides.update({f"{k}_url": v for k, v in (urls or {}).items()})
        gw = await start_service(
            create_app,
            "gateway",
            settings_cls=GatewaySettings,
            admin_password=ADMIN_PASSWORD,
            user_cache_seconds=0,
            **overrides,
            **kw,
        )
        gw.client.headers["Authorization"] = f"Bearer {await sign_in(gw, 'admin', ADMIN_PASSWORD)}"
        return gw

    return start


async def start_departments(start_service, names: tuple[str, ...]) -> dict[str, RunningApp]:
    apps = {}
    for name in names:
        module = importlib.import_module(f"{name}.app")
        apps[name] = await start_service(module.create_app, name)
    return apps


async def test_sign_in_and_manage_users(start_gateway) -> None:
    gw = await start_gateway()
    r = await gw.client.post("/api/auth/token", data={"username": "admin", "password": "wrong"})
    assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
    r = await gw.client.post(
        "/api/users", json={"username": "amy", "password": "frontdesk-1", "roles": ["frontdesk"]}
    )
    assert r.status_code == 201, r.text
    amy = r.json()
    assert amy["roles"] == ["frontdesk"] and amy["active"] and "password" not in amy
    r = await gw.client.post(
        "/api/users", json={"username": "amy", "password": "another-1", "roles": ["fees"]}
    )
    assert r.status_code == 409 and r.json()["field"] == "username"
    r = await gw.client.post(
        "/api/users", json={"username": "bob", "password": "short", "roles": ["janitor"]}
    )
    assert r.status_code == 422 and r.json()["field"] in {"password", "roles.0"}
    token = await sign_in(gw, "amy", "frontdesk-1")
    me = await gw.client.get("/api/me", headers=bearer(token))
    assert me.json()["username"] == "amy"
    assert (await gw.client.get("/api/users", headers=bearer(token))).status_code == 403
    listed = (await gw.client.get("/api/users")).json()
    assert listed["total"] == 2 and [u["username"] for u in listed["items"]] == ["admin", "amy"]
    # optimistic concurrency
    r = await gw.client.patch(
        f"/api/users/{amy['id']}",
        json={"roles": ["frontdesk", "manager"]},
        headers={"If-Match": "7"},
    )
    assert r.status_code == 412 and r.json()["field"] == "If-Match"
    assert (r.json()["current_version"], r.json()["expected_version"]) == (amy["version"], 7)
    r = await gw.client.patch(
        f"/api/users/{amy['id']}",
        json={"roles": ["frontdesk", "manager"], "version": amy["version"]},
    )
    assert r.status_code == 200 and r.json()["roles"] == ["frontdesk", "manager"]
    # deactivation: sign-in refused, and the token already issued stops working at the gateway
    r = await gw.client.post(f"/api/users/{amy['id']}/deactivate")
    assert r.status_code == 200 and r.json()["active"] is False
    r = await gw.client.post("/api/auth/token", data={"username": "amy", "password": "frontdesk-1"})
    assert r.status_code == 401
    r = await gw.client.get("/api/frontdesk/v1/units", headers=bearer(token))
    assert r.status_code == 401 and "deactivated" in r.json()["detail"]
    # the last admin cannot be removed
    admin_id = listed["items"][0]["id"]
    r = await gw.client.post(f"/api/users/{admin_id}/deactivate")
    assert r.status_code == 409


async def test_routes_to_services_with_rights(start_service, start_gateway) -> None:
    apps = await start_departments(start_service, ("frontdesk", "fees"))
    gw = await start_gateway({n: a.url for n, a in apps.items()})
    for username, role in (("clerk", "frontdesk"), ("cashier", "fees"), ("boss", "manager")):
        r = await gw.client.post(
            "/api/users",
            json={"username": username, "password": f"{username}-pass-1", "roles": [role]},
        )
        assert r.status_code == 201
    clerk = bearer(await sign_in(gw, "clerk", "clerk-pass-1"))
    cashier = bearer(await sign_in(gw, "cashier", "cashier-pass-1"))
    boss = bearer(await sign_in(gw, "boss", "boss-pass-1"))

    r = await gw.client.post(
        "/api/frontdesk/v1/properties", json={"code": "HKA", "name": "A"}, headers=clerk
    )
    assert r.status_code == 201, r.text
    prop = r.json()
    r = await gw.client.get("/api/frontdesk/v1/properties", params={"code": "HKA"}, headers=boss)
    assert r.status_code == 200 and r.json()["items"][0]["id"] == prop["id"]
    r = await gw.client.post(
        "/api/frontdesk/v1/properties", json={"code": "X", "name": "X"}, headers=boss
    )
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
    assert (await gw.client.get("/api/frontdesk/v1/units", headers=cashier)).status_code == 403
    assert (await gw.client.get("/api/fees/v1/accounts", headers=cashier)).status_code == 200
    r = await gw.client.get("/api/frontdesk/v1/units", headers={"Authorization": "Bearer junk"})
    assert r.status_code == 401
    async with httpx.AsyncClient(base_url=gw.url) as anonymous:
        r = await anonymous.get("/api/frontdesk/v1/units")
    assert r.status_code == 401 and r.json()["detail"] == "missing bearer token"
    r = await gw.client.get("/api/nowhere/v1/things")
    assert r.status_code == 404 and r.json()["field"] == "service"
    # a service's own problem passes through unchanged
    r = await gw.client.post(
        "/api/frontdesk/v1/units", json={"property_id": prop["id"]}, headers=clerk
    )
    assert r.status_code == 422 and r.json()["field"] in {"building", "number"}


async def test_leasing_reaches_the_desks_artwork_and_nothing_more(
    start_service, start_gateway
) -> None:
    """``DEPARTMENT_READS``: leasing may GET an artwork's file from the front desk (it approves
    the ads showing it), and nothing else of the desk's."""
    apps = await start_departments(start_service, ("frontdesk",))
    gw = await start_gateway({n: a.url for n, a in apps.items()})
    r = await gw.client.post(
        "/api/users",
        json={"username": "lessor", "password": "lessor-pass-1", "roles": ["leasing"]},
    )
    assert r.status_code == 201, r.text
    lessor = bearer(await sign_in(gw, "lessor", "lessor-pass-1"))
    prop = await gw.client.post("/api/frontdesk/v1/properties", json={"code": "AD", "name": "A"})
    art = await gw.client.post(
        "/api/frontdesk/v1/documents",
        data={"title": "Poster", "category": "artwork", "property_id": prop.json()["id"]},
        files={"file": ("poster.txt", b"the poster", "text/plain")},
    )
    assert art.status_code == 201, art.text
    path = f"/api/frontdesk/v1/artwork/{art.json()['id']}/content"
    r = await gw.client.get(path, headers=lessor)
    assert r.status_code == 200 and r.content == b"the poster"
    assert (await gw.client.post(path, headers=lessor)).status_code == 403
    for other in (f"/api/frontdesk/v1/documents/{art.json()['id']}", "/api/frontdesk/v1/units"):
        r = await gw.client.get(other, headers=lessor)
        assert r.status_code == 403 and "may not read frontdesk" in r.json()["detail"], other
    r = await gw.client.get(f"{path}/../../documents", headers=lessor)
    assert r.status_code in (403, 404)


async def test_service_down_is_502_and_slow_is_504(start_gateway) -> None:
    hanging: list[asyncio.StreamWriter] = []

    async def never_answer(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        hanging.append(writer)

    slow = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    slow_port = slow.sockets[0].getsockname()[1]
    gw = await start_gateway({"leasing": f"http://127.0.0.1:{slow_port}"}, proxy_timeout=0.5)
    r = await gw.client.get("/api/security/v1/anything")  # nothing listens there
    assert r.status_code == 502 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["service"] == "security"
    r = await asyncio.wait_for(gw.client.get("/api/leasing/v1/anything"), 5)
    assert r.status_code == 504 and r.json()["service"] == "leasing"
    health = await asyncio.wait_for(gw.client.get("/api/health"), 10)
    assert health.status_code == 503 and health.json()["status"] == "degraded"
    assert health.json()["services"]["nats"] == "ok"
    for w in hanging:
        w.close()
    slow.close()
    with contextlib.suppress(Exception):
        await slow.wait_closed()


async def test_health_is_ok_with_every_service_up(start_service, start_gateway) -> None:
    apps = await start_departments(start_service, DEPARTMENTS)
    gw = await start_gateway({n: a.url for n, a in apps.items()})
    r = await gw.client.get("/api/health")
    assert r.status_code == 200, r.text
    assert r.json() == {
        "status": "ok",
        "services": {**dict.fromkeys(DEPARTMENTS, "ok"), "nats": "ok"},
    }
    await apps["cleaning"].stop()
    r = await gw.client.get("/api/health")
    assert r.status_code == 503
    assert r.json()["services"]["cleaning"].startswith("unreachable")
    assert r.json()["services"]["fees"] == "ok"


async def test_health_tells_a_starting_bus_from_an_unreachable_one(
    start_service, start_gateway
) -> None:
    import frontdesk.app

    # A "NATS" that accepts the connection and never says hello: the service's first
    # connection attempt is still under way.
    held: list[asyncio.StreamWriter] = []

    async def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    silent = await asyncio.start_server(hold, "127.0.0.1", 0)
    silent_url = f"nats://127.0.0.1:{silent.sockets[0].getsockname()[1]}"
    fd = await start_service(
        frontdesk.app.create_app,
        "frontdesk",
        ready=False,
        nats_url=silent_url,
        nats_connect_timeout_seconds=600,
    )
    r = await fd.client.get("/readyz")
    assert r.status_code == 503
    body = r.json()
    assert isinstance(body.pop("pid"), int)  # which process answers (the supervisor checks it)
    assert body == {"status": "starting", "checks": {"database": "ok", "nats": "starting"}}
    gw = await start_gateway({"frontdesk": fd.url})
    services = (await gw.client.get("/api/health")).json()["services"]
    assert services["frontdesk"] == "starting" and services["nats"] == "ok"

    # The attempt fails (the server hangs up, then nothing listens): now it is unreachable.
    silent.close()
    for writer in held:
        writer.close()

    async def unreachable() -> dict:
        r = await fd.client.get("/readyz")
        assert r.status_code == 503 and r.json()["checks"]["nats"].startswith("unreachable ("), (
            r.text
        )
        return r.json()

    assert (await eventually(unreachable, what="unreachable"))["status"] == "unavailable"
    services = (await gw.client.get("/api/health")).json()["services"]
    assert services["frontdesk"] == "not ready (503)"
