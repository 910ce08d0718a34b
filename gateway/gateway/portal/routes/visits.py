"""Visitors at the front desk: the day's visits, register one, confirm the identity, arrived,
left, cancel."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal import lookups, nav
from gateway.portal.client import ApiError, Forbidden, new_idempotency_key
from gateway.portal.i18n import N_
from gateway.portal.records import form_values, post_action
from gateway.portal.web import (
    FormState,
    PortalUser,
    form_user,
    formatter,
    page_user,
    redirect,
    render,
)

router = APIRouter()
FD = lookups.FD
nav.add(nav.NavItem("visits", "/visits", N_("Visitors"), nav.DESK, 15, "users"))

ACTIONS = ("confirm-identity", "arrived", "left", "cancel")


def _require_desk(user: PortalUser, write: bool = False) -> None:
    ok = user.may_write("frontdesk") if write else user.has("frontdesk", "manager")
    if not ok:
        raise Forbidden(403, {"detail": "front desk only"})


def visit_actions(v: dict[str, Any]) -> list[str]:
    """What the visit's state allows (the API refuses the rest anyway)."""
    confirm = [] if v["identity_confirmed_at"] else ["confirm-identity"]
    if v["status"] == "expected":
        return [*confirm, "arrived", "cancel"] if not confirm else [*confirm, "cancel"]
    if v["status"] == "on_site":
        return [*confirm, "left"]
    return []


def _today(request: Request) -> str:
    tz = ZoneInfo(request.app.state.settings.portal_time_zone)
    return datetime.now(tz).date().isoformat()


@router.get("/visits")
async def visits(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_desk(user)
    qp = request.query_params
    filters = {
        "date": qp.get("date", _today(request)),
        "status": qp.get("status", ""),
        "property_id": qp.get("property_id", ""),
    }
    offset = qp.get("offset", "0")
    page = await user.api.get(
        f"{FD}/visits",
        **filters,
        sort="expected_at",
        limit=50,
        offset=int(offset) if offset.isdigit() else 0,
    )
    props = await lookups.properties(user.api)
    return render(
        request,
        "visits/list.html",
        {
            "page": page,
            "filters": filters,
            "props": props,
            "params": urlencode({k: v for k, v in filters.items() if v}),
        },
        nav_key="visits",
    )


def _new_context(props: dict[str, Any], form: FormState, idem: str | None) -> dict[str, Any]:
    return {"props": props, "form": form, "idem": idem or new_idempotency_key()}


@router.get("/visits/new")
async def new_visit(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_desk(user, write=True)
    props = await lookups.properties(user.api)
    form = FormState(values={"property_id": next(iter(props), ""), "host_kind": "unit"})
    return render(request, "visits/new.html", _new_context(props, form, None), nav_key="visits")


def _local_iso(value: str, tz: str) -> str | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=ZoneInfo(tz)).isoformat()
    except ValueError:
        return value  # the API names the field


@router.post("/visits/new")
async def register_visit(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require_desk(user, write=True)
    values = form_values(await request.form())
    props = await lookups.properties(user.api)
    tz = props.get(values.get("property_id", ""), {}).get("time_zone") or (
        request.app.state.settings.portal_time_zone
    )
    body = {
        "property_id": values.get("property_id", ""),
        "visitor_name": values.get("visitor_name", ""),
        "phone": values.get("phone") or None,
        "id_number": values.get("id_number") or None,
        "purpose": values.get("purpose", ""),
        "host_unit_id": values.get("unit_id") or None,
        "host_department": values.get("host_department") or None,
        "expected_at": _local_iso(values.get("expected_at", ""), tz),
    }
    try:
        created = await user.api.post(
            f"{FD}/visits", body, idempotency_key=values.get("idempotency_key") or None
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        state = FormState.from_error(exc, values, formatter(request), fields=("host_unit_id",))
        if "host_unit_id" in state.errors:
            state.errors["unit_id"] = state.errors.pop("host_unit_id")
        ctx = _new_context(props, state, values.get("idempotency_key"))
        return render(request, "visits/new.html", ctx, status=422, nav_key="visits")
    return redirect(request, f"/visits/{created['id']}?registered=1")


async def _visit_context(request: Request, user: PortalUser, visit_id: str) -> dict[str, Any]:
    v = await user.api.get(f"{FD}/visits/{visit_id}")
    props = await lookups.properties(user.api)
    prop = props.get(v["property_id"], {})
    return {
        "v": v,
        "prop": prop,
        "actions": visit_actions(v) if user.may_write("frontdesk") else [],
        "fm": formatter(request).zone(prop.get("time_zone")),
    }


@router.get("/visits/{visit_id}")
async def visit_page(
    request: Request, visit_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    _require_desk(user)
    ctx = await _visit_context(request, user, visit_id)
    ctx["flash"] = "registered" if request.query_params.get("registered") else ""
    return render(request, "visits/visit.html", ctx, nav_key="visits")


def _body(action: str, values: dict[str, str]) -> dict[str, Any] | None:
    if action == "confirm-identity":
        return {
            "document_kind": values.get("document_kind", ""),
            "document_checked": values.get("document_checked") == "on",
        }
    if action == "cancel":
        return {"note": values.get("note") or None}
    return None


@router.post("/visits/{visit_id}/{action}")
async def visit_action(
    request: Request, visit_id: str, action: str, user: PortalUser = Depends(form_user)
) -> Response:
    _require_desk(user, write=True)
    if action not in ACTIONS:
        raise Forbidden(403, {"detail": "no such action"})
    form = await request.form()
    values = form_values(form)
    version = str(form.get("version") or "") or None
    path = f"{FD}/visits/{visit_id}/{action}"
    refused = await post_action(user.api, path, _body(action, values), version)
    if refused is not None:
        ctx = await _visit_context(request, user, visit_id)
        ctx["open_action"] = action
        ctx["action_form"] = FormState.from_error(
            refused, values, formatter(request), fields=("document_checked", "document_kind")
        )
        return render(request, "visits/visit.html", ctx, status=refused.status, nav_key="visits")
    back = request.query_params.get("back")
    return redirect(request, "/visits" if back == "list" else f"/visits/{visit_id}")
