"""Forwarding ``/api/<service>/<path>`` to the service, with the caller's token and the trace
context (the httpx instrumentation injects ``traceparent``). Down: 502. Slow: 504.

The path and the query go on exactly as the caller encoded them (``%3F`` stays part of the path,
``%00`` reaches the service as ``%00``), header values as the caller's bytes (non-ASCII
included), and a ``Location`` the service answers with never shows the service's own address.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

import httpx
from fastapi import Request, Response

from propops.errors import DomainError, problem

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
_CONTROL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
# Set by the gateway only: a caller's own value is dropped.
GATEWAY_SET = frozenset({"x-forwarded-prefix"})


def prefix_of(service: str) -> str:
    return f"/api/{service}"


class BadHeader(DomainError):
    """A header HTTP cannot carry on (400 naming it)."""

    status = 400

    def __init__(self, name: str) -> None:
        super().__init__(f"header {name} has a control character", field=name)
        self.name = name


def forward_headers(request: Request, service: str) -> list[tuple[bytes, bytes]]:
    """The caller's headers as raw bytes (surrounding white space dropped, as HTTP says), less
    hop-by-hop ones, plus the ``X-Forwarded-*``; a control character in a value: BadHeader."""
    dropped = HOP_BY_HOP | GATEWAY_SET
    headers = []
    for name, raw in request.headers.raw:
        if name.decode("latin-1").lower() in dropped:
            continue
        value = raw.strip(b" \t")
        if _CONTROL.search(value):
            raise BadHeader(name.decode("latin-1"))
        headers.append((name, value))
    client = (request.client.host if request.client else "").encode()
    prior = [v for k, v in headers if k.lower() == b"x-forwarded-for"]
    headers = [(k, v) for k, v in headers if k.lower() != b"x-forwarded-for"]
    chain = b", ".join([*prior, client]) if prior else client
    headers.append((b"x-forwarded-for", chain))
    headers.append((b"x-forwarded-prefix", prefix_of(service).encode()))
    names = {k.lower() for k, _ in headers}
    if b"x-forwarded-host" not in names:
        headers.append((b"x-forwarded-host", request.headers.get("host", "").encode("latin-1")))
    if b"x-forwarded-proto" not in names:
        headers.append((b"x-forwarded-proto", request.url.scheme.encode()))
    return headers


def upstream_target(request: Request, service: str) -> bytes | None:
    """The path and query to ask the service for, as the caller encoded them; ``None`` when the
    raw path does not name ``service`` as its second segment."""
    raw_path: bytes = request.scope.get("raw_path") or request.url.path.encode()
    parts = raw_path.split(b"/", 3)  # b"", b"api", service, rest
    if len(parts) < 3 or unquote(parts[2].decode("latin-1")) != service:
        return None
    target = b"/" + (parts[3] if len(parts) > 3 else b"")
    query: bytes = request.scope.get("query_string", b"")
    return target + b"?" + query if query else target


def public_location(location: str, base_url: str, service: str) -> str:
    """A ``Location`` pointing at the service itself, rewritten to the gateway's path."""
    if location.startswith(base_url + "/") or location == base_url:
        return prefix_of(service) + location[len(base_url) :]
    if location.startswith("/"):
        return prefix_of(service) + location
    return location


async def forward(
    client: httpx.AsyncClient,
    base_url: str,
    service: str,
    request: Request,
    *,
    stream: bool = False,
) -> Response:
    """``stream``: pass the request body on chunk by chunk as it arrives (an upload) instead
    of reading it whole first."""
    target = upstream_target(request, service)
    try:
        if target is None:
            raise ValueError("path does not name the service")
        url = httpx.URL(base_url).copy_with(raw_path=target)
    except (ValueError, httpx.InvalidURL):
        return problem(
            400,
            "the request path cannot be forwarded",
            title="Bad Request",
            instance=request.url.path,
            field="path",
        )
    try:
        headers = forward_headers(request, service)
    except BadHeader as exc:
        return problem(400, str(exc), instance=request.url.path, field=exc.name)
    try:
        upstream = await client.request(
            request.method,
            url,
            headers=headers,
            content=request.stream() if stream else await request.body(),
        )
    except httpx.LocalProtocolError as exc:  # something in the request HTTP cannot carry
        return problem(
            400,
            f"the request cannot be forwarded ({exc})",
            title="Bad Request",
            instance=request.url.path,
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
    response = Response(upstream.content, status_code=upstream.status_code)
    for name, value in upstream.headers.raw:
        lower = name.decode("latin-1").lower()
        if lower in HOP_BY_HOP or lower == "content-encoding":
            continue
        if lower == "location":
            location = public_location(value.decode("latin-1"), base_url, service)
            value = location.encode("latin-1")
        response.raw_headers.append((name, value))
    return response
