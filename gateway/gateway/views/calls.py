"""Calling services on behalf of the signed-in caller: their token and trace context travel
along (the httpx instrumentation injects ``traceparent``), as through ``/api/<service>/``."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import Request

from gateway.proxy.forward import forward_headers
from propops.auth import Principal, issue_token
from propops.errors import DomainError


class UpstreamRefused(DomainError):
    """A service refused the caller's request (4xx): the view answers the same."""

    def __init__(self, status: int, detail: str, field: str | None = None) -> None:
        super().__init__(detail, field=field)
        self.status = status
        self.title = "Refused by a service"


@dataclass
class Part:
    """One service call of a view: its data, or why it is unavailable."""

    name: str
    service: str
    data: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Fetch:
    name: str
    service: str
    path: str
    params: Mapping[str, str | int] = field(default_factory=dict)
    # a 404 means "nothing there yet" (data None), not the view's answer: e.g. the fee account of
    # a unit registered a moment ago, before fees has handled the registration
    missing_ok: bool = False
    # a 404 means the service has no such route yet (a feature still being built): the part is
    # unavailable, the view still answers
    absent_is_unavailable: bool = False
    # a bearer token to call with instead of the caller's (``read_token``): a view whose rule
    # lets the caller see figures of a service they cannot read themselves
    token: str | None = None


def _headers(request: Request, service: str, token: str | None = None) -> list[tuple[bytes, bytes]]:
    """The caller's headers as the proxy forwards them (token, trace context, X-Forwarded-*),
    asking for JSON; a control character in one is a 400 naming it (``BadHeader``)."""
    replaced = {b"accept", b"authorization"} if token else {b"accept"}
    headers = [(k, v) for k, v in forward_headers(request, service) if k.lower() not in replaced]
    headers.append((b"accept", b"application/json"))
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    return headers


def read_token(request: Request, principal: Principal, ttl_seconds: int = 60) -> str:
    """A short-lived token of the caller with read rights on every service (the ``manager``
    role: reads only) and the caller's own properties, for a view's GET calls that its rule
    allows the caller (the supervisor's daily review counts the departments' work)."""
    return issue_token(
        request.app.state.ctx.settings,
        user_id=principal.user_id,
        username=principal.username,
        roles=["manager"],
        property_ids=sorted(principal.property_ids),
        version=principal.token_version,
        ttl_seconds=ttl_seconds,
    )


async def _one(request: Request, fetch: Fetch) -> Part:
    ctx = request.app.state.ctx
    url = f"{ctx.urls[fetch.service]}/{fetch.path}"
    params = {k: str(v) for k, v in fetch.params.items() if v is not None}
    try:
        r = await ctx.http.get(
            url, params=params, headers=_headers(request, fetch.service, fetch.token)
        )
    except httpx.TimeoutException:
        return Part(fetch.name, fetch.service, error=f"{fetch.service} did not answer in time")
    except httpx.TransportError as exc:
        return Part(
            fetch.name,
            fetch.service,
            error=f"{fetch.service} is unreachable ({type(exc).__name__})",
        )
    if r.status_code >= 500:
        return Part(fetch.name, fetch.service, error=f"{fetch.service} answered {r.status_code}")
    if r.status_code == 404 and fetch.missing_ok:
        return Part(fetch.name, fetch.service, data=None)
    if r.status_code == 404 and fetch.absent_is_unavailable:
        return Part(fetch.name, fetch.service, error=f"{fetch.service} has no {fetch.path} (404)")
    if r.status_code >= 400:
        try:
            body = r.json()
        except ValueError:
            body = {}
        raise UpstreamRefused(
            r.status_code, str(body.get("detail") or r.text[:200]), field=body.get("field")
        )
    return Part(fetch.name, fetch.service, data=r.json())


async def fetch_all(request: Request, fetches: list[Fetch]) -> dict[str, Part]:
    """Every call at once; a 4xx from any service is the view's answer (it names the field)."""
    parts = await asyncio.gather(*(_one(request, f) for f in fetches))
    return {p.name: p for p in parts}
