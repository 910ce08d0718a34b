"""The gateway forwards any input safely: no 500, no query made from a path, no internal address
shown; bodies are limited; every service's docs load through it with no internet."""

from __future__ import annotations

import asyncio
import re

import httpx
from test_gateway import start_departments, start_gateway  # noqa: F401 - the fixture

EXTERNAL_URL = re.compile(rb"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.IGNORECASE)


async def raw_get(gw, path: str, auth: str, note: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", int(gw.url.rsplit(":", 1)[1]))
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\n".encode()
        + b"X-Note: "
        + note
        + b"\r\nConnection: close\r\n\r\n"
    )
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 30)
    writer.close()
    return answer


async def test_forwarding_is_safe(start_service, start_gateway) -> None:  # noqa: F811
    apps = await start_departments(start_service, ("frontdesk",))
    frontdesk = apps["frontdesk"]
    gw = await start_gateway({"frontdesk": frontdesk.url})

    # a non-ASCII header value reaches the service as the caller's bytes
    r = await gw.client.get("/api/frontdesk/v1/units", headers={"X-Note": "大廈 A 座".encode()})
    assert r.status_code == 200, r.text

    # white space around a value is not part of it; a control character in one is refused
    # (sent on a raw socket: httpx refuses to send such headers)
    auth = gw.client.headers["Authorization"]
    assert (await raw_get(gw, "/api/frontdesk/v1/units", auth, b"a \t")).startswith(b"HTTP/1.1 200")
    answer = await raw_get(gw, "/api/frontdesk/v1/units", auth, b"a\x1eb")
    assert answer.startswith(b"HTTP/1.1 400"), answer  # by the HTTP parser or the gateway

    # a control character in the path: the service's 404, never a 500
    r = await gw.client.get("/api/frontdesk/v1/units/%00")
    # it reaches the service: not found on SQLite; PostgreSQL refuses a NUL in a value (422)
    assert r.status_code in (404, 422), r.text
    assert r.json()["instance"].startswith("/api/frontdesk/")
    assert r.headers["content-type"] == "application/problem+json"

    # %3F is part of the path, not the start of a query
    r = await gw.client.get("/api/frontdesk/v1/units%3Flimit=1")
    assert r.status_code == 404, r.text
    r = await gw.client.get("/api/frontdesk/v1/units", params={"limit": 1})
    assert r.status_code == 200 and r.json()["limit"] == 1

    # a redirect names the gateway's path, never the service's own address
    r = await gw.client.get("/api/frontdesk/v1/units/")
    assert r.status_code == 307
    assert r.headers["location"] == "/api/frontdesk/v1/units"
    assert frontdesk.url not in r.text and "127.0.0.1" not in r.headers["location"]

    # a problem's instance is the path the caller used
    r = await gw.client.get("/api/frontdesk/v1/units/no-such-unit")
    assert r.status_code == 404
    assert r.json()["instance"] == "/api/frontdesk/v1/units/no-such-unit"
    r = await gw.client.get("/api/nowhere/x", headers={"X-Forwarded-Prefix": "/api/evil"})
    assert r.status_code == 404 and r.json()["instance"] == "/api/nowhere/x"
    r = await gw.client.get("/api/frontdesk/v1/units", params={"offset": 2**63})
    assert r.status_code == 422 and r.json()["field"] == "offset"
    assert r.json()["instance"] == "/api/frontdesk/v1/units"

    # bodies over the limit: 413 problem+json at the gateway (and at the service behind it)
    big = b'{"code": "' + b"x" * (1024 * 1024) + b'"}'
    r = await gw.client.post(
        "/api/frontdesk/v1/properties", content=big, headers={"content-type": "application/json"}
    )
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["instance"] == "/api/frontdesk/v1/properties"
    r = await frontdesk.client.post(
        "/v1/properties", content=big, headers={"content-type": "application/json"}
    )
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"

    # ... but a document upload, and only it, goes on up to the documents' limit (streamed)
    prop = await gw.client.post("/api/frontdesk/v1/properties", json={"code": "HKA", "name": "A"})
    unit = await gw.client.post(
        "/api/frontdesk/v1/units",
        json={"property_id": prop.json()["id"], "building": "A", "number": "1"},
    )
    pdf = b"%PDF-1.7\n" + b"x" * (3 * 1024 * 1024)
    r = await gw.client.post(
        "/api/frontdesk/v1/documents",
        data={"title": "Plan", "category": "other", "unit_id": unit.json()["id"]},
        files={"file": ("plan.pdf", pdf, "application/pdf")},
    )
    assert r.status_code == 201, r.text
    r = await gw.client.get(f"/api/frontdesk/v1/documents/{r.json()['id']}/content")
    assert r.content == pdf and r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith('attachment; filename="plan.pdf"')
    r = await gw.client.post(
        "/api/frontdesk/v1/documents/", content=big, headers={"content-type": "application/json"}
    )
    assert r.status_code == 413  # the exact path only


async def test_every_service_docs_offline_through_the_gateway(
    start_service,
    start_gateway,  # noqa: F811
) -> None:
    apps = await start_departments(start_service, ("frontdesk", "fees"))
    gw = await start_gateway({n: a.url for n, a in apps.items()})
    async with httpx.AsyncClient(base_url=gw.url, timeout=30) as anonymous:
        r = await anonymous.get("/docs")
        assert r.status_code == 200
        assert not EXTERNAL_URL.search(r.content), EXTERNAL_URL.search(r.content)
        for asset in re.findall(rb'(?:src|href)="([^"]+)"', r.content):
            assert (await anonymous.get(asset.decode())).status_code == 200, asset
        spec = (await anonymous.get("/openapi.json")).json()
        assert "/api/frontdesk/docs" in spec["info"]["description"]
        for service in ("frontdesk", "fees"):
            for page in ("docs", "redoc"):
                r = await anonymous.get(f"/api/{service}/{page}")
                assert r.status_code == 200, r.text
                assert not EXTERNAL_URL.search(r.content), EXTERNAL_URL.search(r.content)
                assets = re.findall(rb'(?:src|href)="([^"]+)"', r.content)
                assert assets and all(a.startswith(f"/api/{service}/".encode()) for a in assets)
                for asset in assets:
                    got = await anonymous.get(asset.decode())
                    assert got.status_code == 200 and got.content, asset
                assert f"/api/{service}/openapi.json" in r.text
            r = await anonymous.get(f"/api/{service}/openapi.json")
            assert r.status_code == 200
            assert r.json()["servers"] == [{"url": f"/api/{service}"}]
            # the API itself still needs a token
            assert (await anonymous.get(f"/api/{service}/ops/outbox")).status_code == 401
