"""Any input gets a 4xx, never a 500: integer bounds, body size, a body that stops arriving;
the service's own docs work offline and its OpenAPI documents the problems it answers."""

from __future__ import annotations

import asyncio

from frontdesk.app import create_app


async def test_integer_query_parameters_are_bounded(start_service) -> None:
    fd = await start_service(create_app, "frontdesk")
    for params, field in (
        ({"offset": 2**63}, "offset"),
        ({"offset": 2**31}, "offset"),
        ({"floor": 10**30}, "floor"),
        ({"floor": -(10**30)}, "floor"),
    ):
        r = await fd.client.get("/v1/units", params=params)
        assert r.status_code == 422, (params, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["field"] == field
    r = await fd.client.get("/v1/units", params={"offset": 2**31 - 1, "floor": 300})
    assert r.status_code == 200 and r.json()["items"] == []


async def test_body_limit_and_stalled_body(start_service) -> None:
    fd = await start_service(create_app, "frontdesk", max_body_bytes=2048, body_read_timeout=0.5)
    json_headers = {"content-type": "application/json"}
    r = await fd.client.post(
        "/v1/properties", content=b"{" + b" " * 4096 + b"}", headers=json_headers
    )
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["instance"] == "/v1/properties"

    async def chunks():  # no Content-Length: the limit holds on the streamed body too
        for _ in range(8):
            yield b" " * 512

    r = await fd.client.post("/v1/properties", content=chunks(), headers=json_headers)
    assert r.status_code == 413

    # headers and half a body, then nothing: answered (408) and closed, the worker let go
    port = int(fd.url.rsplit(":", 1)[1])
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    token = fd.client.headers["Authorization"]
    writer.write(
        b"POST /v1/properties HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + f"Authorization: {token}\r\nContent-Length: 100\r\n\r\n".encode()
        + b'{"code": "HK'
    )
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 30)  # until the server closes
    writer.close()
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b"application/problem+json" in answer


async def test_docs_offline_and_problems_documented(start_service) -> None:
    fd = await start_service(create_app, "frontdesk")
    page = await fd.client.get("/docs")
    assert page.status_code == 200 and "cdn" not in page.text and "https://" not in page.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
        assert (await fd.client.get(f"/docs-assets/{asset}")).status_code == 200
    spec = (await fd.client.get("/openapi.json")).json()
    assert "servers" not in spec  # called directly: no gateway prefix
    assert "ProblemDetails" in spec["components"]["schemas"]
    units = spec["paths"]["/v1/units"]["get"]["responses"]
    for code in ("401", "403", "404", "409", "412", "422"):
        assert list(units[code]["content"]) == ["application/problem+json"], code
    r = await fd.client.get("/openapi.json", headers={"X-Forwarded-Prefix": "/api/frontdesk"})
    assert r.json()["servers"] == [{"url": "/api/frontdesk"}]
    # the prefix is used only when it is a gateway path, never echoed as given
    r = await fd.client.get(
        "/v1/units/nope", headers={"X-Forwarded-Prefix": "<script>alert(1)</script>"}
    )
    assert r.status_code == 404 and r.json()["instance"] == "/v1/units/nope"


async def test_if_match_and_stored_values_never_500(start_service) -> None:
    fd = await start_service(create_app, "frontdesk")
    # If-Match is checked as documented (ASCII digits, W/ and quotes optional, or *)
    r = await fd.client.post(
        "/v1/complaints/any/classify", json={}, headers={"If-Match": '"²"'.encode()}
    )
    assert r.status_code == 422 and r.json()["field"] == "If-Match"
    spec = (await fd.client.get("/openapi.json")).json()
    params = spec["paths"]["/v1/complaints/{complaint_id}/classify"]["post"]["parameters"]
    if_match = next(p for p in params if p["name"] == "If-Match")
    assert "[0-9]" in str(if_match["schema"])
    # a NUL character: no match on SQLite (404), refused by PostgreSQL (422); never a 500
    r = await fd.client.get("/v1/units/%00")
    assert r.status_code in (404, 422) and r.headers["content-type"] == "application/problem+json"
    r = await fd.client.post("/v1/properties", json={"code": "A\u0000", "name": "x"})
    assert r.status_code in (201, 422), r.text
