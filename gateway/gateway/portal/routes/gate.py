"""The gate (保安部): visitors expected and on site (entry, exit) and release passes to check
against the goods; made for a phone."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal import lookups, nav
from gateway.portal.client import Forbidden
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
GATE = "/api/security/v1/gate"
nav.add(nav.NavItem("gate", "/gate", N_("Gate"), frozenset({"security", "manager"}), 21, "pin"))


def _require_gate(user: PortalUser, write: bool = False) -> None:
    ok = user.may_write("security") if write else user.has("security", "manager")
    if not ok:
        raise Forbidden(403, {"detail": "security only"})


async def _gate_context(user: PortalUser) -> dict[str, Any]:
    expected, on_site, passes, props = await asyncio.gather(
        user.api.get(f"{GATE}/visitors", status="expected", limit=100),
        user.api.get(f"{GATE}/visitors", status="on_site", limit=100),
        user.api.get(f"{GATE}/release-passes", status="issued", limit=100),
        lookups.properties(user.api),
    )
    return {
        "expected": expected,
        "on_site": on_site,
        "passes": passes,
        "props": props,
        "may_act": user.may_write("security"),
    }


@router.get("/gate")
async def gate(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_gate(user)
    ctx = await _gate_context(user)
    ctx["flash"] = request.query_params.get("done", "")
    return render(request, "gate/gate.html", ctx, nav_key="gate")


async def _refused(request: Request, user: PortalUser, exc: Any, values: dict, key: str):
    ctx = await _gate_context(user)
    ctx["action_form"] = FormState.from_error(
        exc, values, formatter(request), fields=("items_match", "document_kind", "document_checked")
    )
    ctx["action_key"] = key
    return render(request, "gate/gate.html", ctx, status=exc.status, nav_key="gate")


@router.post("/gate/visitors/{visit_id}/{move}")
async def visitor_move(
    request: Request, visit_id: str, move: str, user: PortalUser = Depends(form_user)
) -> Response:
    _require_gate(user, write=True)
    if move not in ("enter", "exit"):
        raise Forbidden(403, {"detail": "no such action"})
    form = await request.form()
    values = form_values(form)
    version = str(form.get("version") or "") or None
    path = f"{GATE}/visitors/{visit_id}/{move}"
    refused = await post_action(user.api, path, _document_seen(values), version)
    if refused is not None:
        return await _refused(request, user, refused, values, visit_id)
    return redirect(request, f"/gate?done={move}")


def _document_seen(values: dict[str, str]) -> dict[str, Any] | None:
    """The document the guard saw (the form offers it when the desk has not confirmed the
    identity); none when the form had no document fields."""
    if "document_kind" not in values:
        return None
    return {
        "document_kind": values.get("document_kind") or None,
        "document_checked": values.get("document_checked") == "on",
    }


@router.post("/gate/release-passes/{pass_id}/check")
async def check_pass(
    request: Request, pass_id: str, user: PortalUser = Depends(form_user)
) -> Response:
    _require_gate(user, write=True)
    form = await request.form()
    values = form_values(form)
    match = values.get("items_match")
    body = {
        "items_match": {"yes": True, "no": False}.get(match or "", match),
        "notes": values.get("notes") or None,
    }
    version = str(form.get("version") or "") or None
    path = f"{GATE}/release-passes/{pass_id}/check"
    refused = await post_action(user.api, path, body, version)
    if refused is not None:
        return await _refused(request, user, refused, values, pass_id)
    return redirect(request, "/gate?done=check")
