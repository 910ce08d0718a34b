"""Forwarding ``/api/<service>/<path>`` to the service, with the caller's token and the trace
context (the httpx instrumentation injects ``traceparent``). Down: 502. Slow: 504."""

from __future__ import annotations

import httpx
from fastapi import Request, Response

from propops.errors import problem

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)


def forward_headers(request: Request) -> dict[str, str]:
    headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
    client = request.client.host if request.client else ""
    prior = request.headers.get("x-forwarded-for")
    headers["x-forwarded-for"] = f"{prior}, {client}" if prior else client
    headers["x-forwarded-prefix"] = "/api/" + request.path_params.get("service", "")
    headers.setdefault("x-forwarded-host", request.headers.get("host", ""))
    headers.setdefault("x-forwarded-proto", request.url.scheme)
    return headers


async def forward(
    client: httpx.AsyncClient, base_url: str, service: str, path: str, request: Request
) -> Response:
    url = f"{base_url}/{path}"
    try:
        upstream = await client.request(
            request.method,
            url,
            params=request.query_params.multi_items(),
            headers=forward_headers(request),
            content=await request.body(),
        )
    except httpx.TimeoutException:
        return problem(
            504,
            f"{service} did not answer in time",
            title="Gateway Timeout",
            instance=request.url.path,
            service=service,
        )
    except httpx.TransportError as exc:
        return problem(
            502,
            f"{service} is unreachable ({type(exc).__name__})",
            title="Bad Gateway",
            instance=request.url.path,
            service=service,
        )
    headers = {
        k: v
        for k, v in upstream.headers.items()
        if k.lower() not in HOP_BY_HOP and k.lower() != "content-encoding"
    }
    return Response(upstream.content, status_code=upstream.status_code, headers=headers)
