"""Who may still act: a deactivated or changed user's old tokens stop working at the gateway's
own endpoints at once, and directly on a service's port once the service's copy of the users
has the change (``propops.directory``); passwords are changed and reset."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from frontdesk.app import create_app as create_frontdesk
from frontdesk.settings import FrontdeskSettings
from gateway.app import create_app
from gateway.settings import GatewaySettings
from gateway.users import service
from propops.db import Database
from propops.settings import DEPARTMENTS
from propops.testing.fixtures import RunningApp, eventually, free_port

ADMIN_PASSWORD = "admin-pass-123"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def sign_in(gw: RunningApp, username: str, password: str) -> str:
    r = await gw.client.post("/api/auth/token", data={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


async def start_gateway(start_service, **urls: str) -> RunningApp:
    overrides = {f"{name}_url": f"http://127.0.0.1:{free_port()}" for name in DEPARTMENTS}
    overrides.update({f"{k}_url": v for k, v in urls.items()})
    gw = await start_service(
        create_app,
        "gateway",
        settings_cls=GatewaySettings,
        admin_password=ADMIN_PASSWORD,
        **overrides,
    )
    gw.client.headers["Authorization"] = f"Bearer {await sign_in(gw, 'admin', ADMIN_PASSWORD)}"
    return gw


async def add_user(gw: RunningApp, username: str, *roles: str, **extra: object) -> dict:
    r = await gw.client.post(
        "/api/users",
        json={"username": username, "password": f"{username}-pass-1", "roles": roles, **extra},
    )
    assert r.status_code == 201, r.text
    return r.json()


async def test_a_deactivated_admin_can_no_longer_manage_users(start_service) -> None:
    gw = await start_gateway(start_service)
    other = await add_user(gw, "admin2", "admin")
    token = bearer(await sign_in(gw, "admin2", "admin2-pass-1"))
    assert (await gw.client.get("/api/me", headers=token)).status_code == 200
    r = await gw.client.post(f"/api/users/{other['id']}/deactivate")
    assert r.status_code == 200 and r.json()["active"] is False

    r = await gw.client.post(
        "/api/users",
        json={"username": "mallory", "password": "mallory-pass-1", "roles": ["admin"]},
        headers=token,
    )
    assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
    r = await gw.client.post(f"/api/users/{other['id']}/activate", headers=token)
    assert r.status_code == 401
    assert (await gw.client.get("/api/me", headers=token)).status_code == 401
    listed = (await gw.client.get("/api/users")).json()["items"]
    assert {u["username"]: u["active"] for u in listed} == {"admin": True, "admin2": False}


async def test_old_tokens_stop_working_directly_on_a_service(start_service) -> None:
    fd = await start_service(create_frontdesk, "frontdesk", settings_cls=FrontdeskSettings)
    gw = await start_gateway(start_service, frontdesk=fd.url)
    clerk = await add_user(gw, "clerk", "frontdesk")
    mover = await add_user(gw, "mover", "frontdesk")
    clerk_token = bearer(await sign_in(gw, "clerk", "clerk-pass-1"))
    mover_token = bearer(await sign_in(gw, "mover", "mover-pass-1"))
    async with httpx.AsyncClient(base_url=fd.url, timeout=30) as direct:
        for who in (clerk_token, mover_token):
            r = await direct.post("/v1/properties", json={"code": "P1", "name": "P"}, headers=who)
            assert r.status_code in (201, 409), r.text

        # deactivated: refused on the service's own port once its copy knows (a few seconds)
        assert (await gw.client.post(f"/api/users/{clerk['id']}/deactivate")).status_code == 200

        async def clerk_refused() -> bool:
            r = await direct.get("/v1/properties", headers=clerk_token)
            return r.status_code == 401

        await eventually(clerk_refused, within=15, what="the deactivated clerk's token refused")
        r = await direct.post(
            "/v1/properties", json={"code": "P2", "name": "P"}, headers=clerk_token
        )
        assert r.status_code == 401 and "deactivated" in r.json()["detail"]

        # moved from the front desk to cleaning: the old token no longer writes the front desk
        r = await gw.client.patch(f"/api/users/{mover['id']}", json={"roles": ["cleaning"]})
        assert r.status_code == 200, r.text
        r = await gw.client.post(
            "/api/frontdesk/v1/properties", json={"code": "P3", "name": "P"}, headers=mover_token
        )
        assert r.status_code == 401  # at the gateway at once

        async def mover_refused() -> bool:
            r = await direct.post(
                "/v1/properties", json={"code": "P4", "name": "P"}, headers=mover_token
            )
            assert r.status_code in (201, 401), r.text
            return r.status_code == 401

        await eventually(mover_refused, within=15, what="the moved user's old token refused")
        fresh = bearer(await sign_in(gw, "mover", "mover-pass-1"))
        r = await direct.post("/v1/properties", json={"code": "P5", "name": "P"}, headers=fresh)
        assert r.status_code == 403  # cleaning may not write the front desk
        # the clerk, active again, signs in anew; the old token stays dead
        assert (await gw.client.post(f"/api/users/{clerk['id']}/activate")).status_code == 200
        again = bearer(await sign_in(gw, "clerk", "clerk-pass-1"))

        async def clerk_back() -> bool:
            return (await direct.get("/v1/properties", headers=again)).status_code == 200

        await eventually(clerk_back, within=15, what="the reactivated clerk's new token")
        assert (await direct.get("/v1/properties", headers=clerk_token)).status_code == 401


async def test_changing_my_password_ends_my_old_tokens(start_service) -> None:
    gw = await start_gateway(start_service)
    await add_user(gw, "amy", "frontdesk")
    old = bearer(await sign_in(gw, "amy", "amy-pass-1"))
    r = await gw.client.post(
        "/api/me/password",
        json={"current_password": "not-my-pass", "new_password": "amy-new-pass"},
        headers=old,
    )
    assert r.status_code == 422 and r.json()["field"] == "current_password"
    r = await gw.client.post(
        "/api/me/password",
        json={"current_password": "amy-pass-1", "new_password": "short"},
        headers=old,
    )
    assert r.status_code == 422 and r.json()["field"] == "new_password"
    r = await gw.client.post(
        "/api/me/password",
        json={"current_password": "amy-pass-1", "new_password": "amy-new-pass"},
        headers=old,
    )
    assert r.status_code == 200, r.text
    new = bearer(r.json()["access_token"])
    assert (await gw.client.get("/api/me", headers=old)).status_code == 401
    assert (await gw.client.get("/api/me", headers=new)).json()["username"] == "amy"
    r = await gw.client.post("/api/auth/token", data={"username": "amy", "password": "amy-pass-1"})
    assert r.status_code == 401
    await sign_in(gw, "amy", "amy-new-pass")


def cli(data_dir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROPOPS_")}
    env["PROPOPS_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_an_admin_resets_a_password_from_the_command_line(tmp_path: Path) -> None:
    done = cli(tmp_path, "user", "add", "bob", "--role", "fees", "--password", "bob-pass-12")
    assert done.returncode == 0, done.stderr
    done = cli(tmp_path, "user", "reset-password", "bob", "--password-stdin", stdin="bob-new-12\n")
    assert done.returncode == 0, done.stderr
    assert "password of bob reset" in done.stdout
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}")
    try:
        async with db.sessions() as session:
            assert await service.authenticate(session, "bob", "bob-pass-12") is None
            user = await service.authenticate(session, "bob", "bob-new-12")
            assert user is not None and user.version == 2  # tokens of version 1 are refused
    finally:
        await db.dispose()
    short = cli(tmp_path, "user", "reset-password", "bob", "--password-stdin", stdin="short\n")
    assert short.returncode == 2 and "password" in short.stderr
    nobody = cli(tmp_path, "user", "reset-password", "nobody", "--password-stdin", stdin="x" * 9)
    assert nobody.returncode == 1 and "no user named 'nobody'" in nobody.stderr
