"""Admin pages: users (create, roles, property scope, deactivate / activate) through
``/api/users``; the health of every service and NATS from ``/api/health``; dead letters per
service (list, replay) through ``/api/<service>/ops/dead-letters``."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal import lookups, nav
from gateway.portal.client import ApiError, Forbidden, new_idempotency_key
from gateway.portal.errors import translate_error
from gateway.portal.i18n import N_
from gateway.portal.labels import LABELS
from gateway.portal.nav import NavItem
from gateway.portal.web import (
    FormState,
    PortalUser,
    form_user,
    formatter,
    page_user,
    redirect,
    render,
)
from propops.settings import DEPARTMENTS

router = APIRouter()
ADMIN = frozenset({"admin"})
nav.add(NavItem("users", "/admin/users", N_("Users"), ADMIN, 90, "users"))
nav.add(NavItem("health", "/admin/health", N_("System health"), ADMIN, 91, "pulse"))
nav.add(NavItem("dead_letters", "/admin/dead-letters", N_("Dead letters"), ADMIN, 92, "alert"))
ROLES = tuple(LABELS["role"])


def _require_admin(user: PortalUser) -> None:
    if not user.principal.is_admin:
        raise Forbidden(403, {"detail": "administrators only"})


# --- users ---------------------------------------------------------------------------------


async def _users_page(
    request: Request, user: PortalUser, form: FormState | None = None, status: int = 200
) -> Response:
    show = request.query_params.get("show", "")
    active = {"active": "true", "inactive": "false"}.get(show)
    users, props = await asyncio.gather(
        user.api.get("/api/users", active=active, limit=500), lookups.properties(user.api)
    )
    return render(
        request,
        "admin/users.html",
        {
            "users": users,
            "props": props,
            "roles": ROLES,
            "show": show,
            "form": form or FormState(values={"roles": [], "property_ids": []}),
        },
        status=status,
        nav_key="users",
    )


@router.get("/admin/users")
async def users_page(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_admin(user)
    return await _users_page(request, user)


def _user_values(form: Any) -> dict[str, Any]:
    return {
        "username": str(form.get("username") or "").strip(),
        "password": str(form.get("password") or ""),
        "roles": [r for r in form.getlist("roles") if r],
        "property_ids": [p for p in form.getlist("property_ids") if p],
    }


@router.post("/admin/users")
async def create_user(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require_admin(user)
    form = await request.form()
    values = _user_values(form)
    key = str(form.get("idempotency_key") or "") or new_idempotency_key()
    try:
        await user.api.post("/api/users", values, idempotency_key=key)
    except ApiError as exc:
        state = FormState.from_error(exc, {**values, "password": ""}, formatter(request))
        state.errors = {k.split(".")[0]: v for k, v in state.errors.items()}  # roles.0 -> roles
        state.values["idempotency_key"] = new_idempotency_key()
        return await _users_page(request, user, state, status=exc.status)
    return redirect(request, "/admin/users?created=" + values["username"])


@router.get("/admin/users/{user_id}")
async def user_page(
    user_id: str, request: Request, user: PortalUser = Depends(page_user)
) -> Response:
    _require_admin(user)
    return await _user_page(request, user, user_id)


async def _user_page(
    request: Request,
    user: PortalUser,
    user_id: str,
    form: FormState | None = None,
    status: int = 200,
) -> Response:
    target, props = await asyncio.gather(
        user.api.get(f"/api/users/{user_id}"), lookups.properties(user.api)
    )
    form = form or FormState(
        values={"roles": target["roles"], "property_ids": target["property_ids"]}
    )
    return render(
        request,
        "admin/user.html",
        {"target": target, "props": props, "roles": ROLES, "form": form},
        status=status,
        nav_key="users",
    )


@router.post("/admin/users/{user_id}")
async def update_user(
    user_id: str, request: Request, user: PortalUser = Depends(form_user)
) -> Response:
    _require_admin(user)
    form = await request.form()
    values = _user_values(form)
    patch: dict[str, Any] = {"roles": values["roles"], "property_ids": values["property_ids"]}
    if values["password"]:
        patch["password"] = values["password"]
    version = int(str(form.get("version") or "0") or 0) or None
    try:
        await user.api.patch(f"/api/users/{user_id}", patch, version=version)
    except ApiError as exc:
        state = FormState.from_error(exc, {**values, "password": ""}, formatter(request))
        state.errors = {k.split(".")[0]: v for k, v in state.errors.items()}
        return await _user_page(request, user, user_id, state, status=exc.status)
    return redirect(request, f"/admin/users/{user_id}?saved=1")


@router.post("/admin/users/{user_id}/{action}")
async def user_action(
    user_id: str, action: str, request: Request, user: PortalUser = Depends(form_user)
) -> Response:
    _require_admin(user)
    if action not in ("deactivate", "activate"):
        raise Forbidden(403, {"detail": "unknown action"})
    try:
        await user.api.post(f"/api/users/{user_id}/{action}")
    except ApiError as exc:
        state = FormState(message=translate_error(formatter(request), exc.detail, exc.status))
        return await _user_page(request, user, user_id, state, status=exc.status)
    return redirect(request, f"/admin/users/{user_id}")


# --- health --------------------------------------------------------------------------------


@router.get("/admin/health")
async def health_page(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_admin(user)
    try:
        health = await user.api.get("/api/health")
    except ApiError as exc:  # 503: degraded, with the same body
        if "services" not in exc.problem:
            raise
        health = exc.problem
    services = [
        {"name": name, "state": state, "ok": state == "ok"}
        for name, state in health["services"].items()
    ]
    template = "admin/_health.html" if request.headers.get("hx-request") else "admin/health.html"
    ctx = {"health": health, "services": services, "now": datetime.now(UTC)}
    return render(request, template, ctx, nav_key="health")


# --- dead letters --------------------------------------------------------------------------


@router.get("/admin/dead-letters")
async def dead_letters_page(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_admin(user)
    q = request.query_params
    return await _dead_letters(
        request, user, q.get("service", ""), q.get("status", "dead"), replayed=q.get("replayed", "")
    )


async def _dead_letters(
    request: Request,
    user: PortalUser,
    service: str,
    status: str,
    *,
    replayed: str = "",
    refused: dict[str, str] | None = None,
) -> Response:
    service = service if service in DEPARTMENTS else DEPARTMENTS[0]
    status = status if status in ("dead", "replayed", "") else "dead"
    error = ""
    try:
        page = await user.api.get(
            f"/api/{service}/ops/dead-letters", status=status or None, limit=100
        )
    except ApiError as exc:
        if exc.status < 500:
            raise
        page = {"items": [], "total": 0}
        error = translate_error(formatter(request), exc.detail, exc.status)
    for item in page["items"]:
        try:
            item["pretty"] = json.dumps(json.loads(item["payload"]), ensure_ascii=False, indent=1)
        except ValueError:
            item["pretty"] = item["payload"]
    return render(
        request,
        "admin/dead_letters.html",
        {
            "page": page,
            "service": service,
            "services": DEPARTMENTS,
            "status": status,
            "error": error,
            "replayed": replayed,
            "refused": refused or {},
        },
        status=409 if refused else 200,
        nav_key="dead_letters",
    )


@router.post("/admin/dead-letters/{service}/{dead_letter_id}/replay")
async def replay(
    service: str, dead_letter_id: str, request: Request, user: PortalUser = Depends(form_user)
) -> Response:
    _require_admin(user)
    if service not in DEPARTMENTS:
        raise Forbidden(403, {"detail": "unknown service"})
    try:
        await user.api.post(f"/api/{service}/ops/dead-letters/{dead_letter_id}/replay")
    except ApiError as exc:  # e.g. it still cannot be handled: say why, beside its row
        if exc.status != 409:
            raise
        return await _dead_letters(
            request,
            user,
            service,
            "dead",
            refused={
                "id": dead_letter_id,
                "why": translate_error(formatter(request), exc.detail, exc.status),
            },
        )
    return redirect(request, f"/admin/dead-letters?service={service}&replayed={dead_letter_id}")
