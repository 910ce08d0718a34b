from __future__ import annotations

import asyncio
import contextlib
import re
import time
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from gateway.proxy.forward import forward
from gateway.supervisor import read_status
from propops.auth import Forbidden, Principal, Unauthorized, can, decode_token, refuse_stale_token
from propops.bus import STARTING
from propops.docs import ASSETS, DOC_PATHS
from propops.errors import NotFound
from propops.service import bus_health
from propops.settings import DEPARTMENTS
from propops.uploads import GATEWAY_DOCUMENTS_UPLOAD

router = APIRouter(tags=["gateway"])

# Paths a service answers without a bearer token, by service: (path prefix, methods). The
# service checks what it needs itself (Open311: the app's api_key on POST); the published
# notices are for anyone to read.
PUBLIC_PREFIXES: dict[str, tuple[tuple[str, frozenset[str]], ...]] = {
    "frontdesk": (
        ("open311/v2/", frozenset({"GET", "POST"})),
        ("public/v1/notices", frozenset({"GET"})),
    ),
}


# A manager's decisions on a department's records: POSTs a manager may send although managers
# only read the rest. The service mounts them for managers only (``Feature.manager_routers``) or
# for its supervisor and managers (``Feature.supervisor_routers``, ``propops.supervisor``).
MANAGER_ACTIONS: dict[str, tuple[re.Pattern[str], ...]] = {
    "frontdesk": (
        re.compile(r"v1/release-passes/[0-9A-Za-z_-]+/override"),
        re.compile(r"v1/leave-requests/[0-9A-Za-z_-]+/(approve|refuse)"),
        re.compile(r"v1/daily-reviews"),
    ),
}


# Reads of one department's records that another department's work needs: (roles, path). The
# service checks the role and what the record is itself (the desk's artwork route answers
# artwork only, never a contract or an ID copy).
DEPARTMENT_READS: dict[str, tuple[tuple[frozenset[str], re.Pattern[str]], ...]] = {
    "frontdesk": ((frozenset({"leasing"}), re.compile(r"v1/artwork/[0-9A-Za-z_-]+/content")),),
}


def _department_read(principal: Principal, service: str, path: str, method: str) -> bool:
    return method in ("GET", "HEAD") and any(
        principal.roles & roles and pattern.fullmatch(path)
        for roles, pattern in DEPARTMENT_READS.get(service, ())
    )


def _manager_action(principal: Principal, service: str, path: str, method: str) -> bool:
    return (
        "manager" in principal.roles
        and method == "POST"
        and any(p.fullmatch(path) for p in MANAGER_ACTIONS.get(service, ()))
    )


async def _check_user(request: Request, principal: Principal) -> None:
    """A deactivated or changed user's token stops working at the gateway (the user's state
    cached ``user_cache_seconds``; a change made through this gateway clears it at once)."""
    ctx = request.app.state.ctx
    now = time.monotonic()
    cached = ctx.active_cache.get(principal.user_id)
    if cached is None or now - cached[1] > ctx.settings.user_cache_seconds:
        from gateway.users.models import User

        async with ctx.db.sessions() as session:
            user = await session.get(User, principal.user_id)
            state = None if user is None else (user.active, user.version)
        ctx.active_cache[principal.user_id] = (state, now)
    else:
        state = cached[0]
    if state is None:
        raise Unauthorized("user no longer exists")
    refuse_stale_token(principal, UserSeen(*state))


@dataclass(frozen=True)
class UserSeen:
    active: bool
    version: int


def _is_public(service: str, path: str, method: str) -> bool:
    if any(segment in (".", "..") for segment in path.split("/")):
        return False  # never let a public prefix reach past itself
    if method in ("GET", "HEAD") and (
        path in DOC_PATHS or path.startswith(ASSETS.strip("/") + "/")
    ):
        return True  # every service's docs page, its assets and its OpenAPI document
    return any(
        path.startswith(prefix) and method in methods
        for prefix, methods in PUBLIC_PREFIXES.get(service, ())
    )


@router.api_route(
    "/api/{service}/{path:path}",
    methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
    include_in_schema=False,
)
async def proxy(service: str, path: str, request: Request) -> Response:
    ctx = request.app.state.ctx
    if service not in DEPARTMENTS:
        raise NotFound(f"no service named {service!r}", field="service")
    if not _is_public(service, path, request.method):
        auth = request.headers.get("authorization", "")
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("missing bearer token")
        principal = decode_token(ctx.settings, token)
        await _check_user(request, principal)
        write = request.method not in ("GET", "HEAD", "OPTIONS")
        if not (
            can(principal, service, write=write)
            or _manager_action(principal, service, path, request.method)
            or _department_read(principal, service, path, request.method)
        ):
            raise Forbidden(
                f"role(s) {sorted(principal.roles)} may not "
                f"{'write' if write else 'read'} {service}"
            )
    # an upload goes on as it arrives (not held whole in the gateway's memory)
    streamed = (request.method, request.url.path) == GATEWAY_DOCUMENTS_UPLOAD
    return await forward(ctx.http, ctx.urls[service], service, request, stream=streamed)


@router.get(
    "/api/health",
    tags=["gateway"],
    summary="Health of every service and of NATS",
    responses={503: {"description": "Some service or NATS is not ready"}},
)
async def health(request: Request) -> JSONResponse:
    ctx = request.app.state.ctx

    async def check(name: str, url: str) -> tuple[str, str]:
        try:
            r = await ctx.http.get(f"{url}/readyz", timeout=ctx.settings.health_timeout)
        except Exception as exc:  # noqa: BLE001
            return name, f"unreachable ({type(exc).__name__})"
        if r.status_code == 200:
            return name, "ok"
        with contextlib.suppress(ValueError, AttributeError):
            if r.json().get("status") == STARTING:
                return name, STARTING
        return name, f"not ready ({r.status_code})"

    async def nats() -> tuple[str, str]:
        return "nats", await bus_health(ctx.bus, ctx.settings.health_timeout)

    results = await asyncio.gather(*(check(n, u) for n, u in ctx.urls.items()), nats())
    services = dict(results)
    # what propops up's supervisor says of the processes it is restarting
    status_file = Path(ctx.settings.supervisor_status) if ctx.settings.supervisor_status else None
    for name, said in read_status(status_file).items():
        if services.get(name, "ok") != "ok":
            services[name] = said
    ok = all(v == "ok" for v in services.values())
    return JSONResponse(
        {"status": "ok" if ok else "degraded", "services": services}, status_code=200 if ok else 503
    )
