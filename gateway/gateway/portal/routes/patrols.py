"""Security patrols in the portal: routes and the day's patrol sheet (安全巡視表), starting a
patrol, and a patrol's page with its checkpoints to scan and the finish (made for a phone)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal.client import ApiError, new_idempotency_key
from gateway.portal.routes.security import (
    SEC,
    base_context,
    chosen,
    form_values,
    property_choices,
    require_security,
)
from gateway.portal.web import FormState, PortalUser, form_user, formatter, page_user, redirect
from gateway.portal.web import render as render_page

router = APIRouter()


async def _sheet_context(request: Request, user: PortalUser) -> dict[str, Any]:
    day = request.query_params.get("date", "")
    routes = await user.api.get(f"{SEC}/patrol-routes", limit=200)
    props, options = await property_choices(user, routes["items"])
    property_id = chosen(request, options)
    params: dict[str, Any] = {"property_id": property_id} if property_id else {}
    if day:
        params["date"] = day
    sheet = await user.api.get(f"{SEC}/patrols", **params)
    ctx = base_context("patrols", props, options, property_id)
    ctx.update(
        routes=[r for r in routes["items"] if r["property_id"] == property_id],
        sheet=sheet,
        day=day,
        idem=new_idempotency_key(),
        form=FormState(
            values={"rrule": "FREQ=DAILY;BYHOUR=9,21;BYMINUTE=0", "window_minutes": "30"}
        ),
    )
    return ctx


@router.get("/security/patrols")
async def patrol_sheet(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    require_security(user)
    ctx = await _sheet_context(request, user)
    return render_page(request, "security/patrols.html", ctx, nav_key="security")


def _checkpoints(text: str) -> list[dict[str, str]]:
    """One checkpoint a line: ``CODE name`` (or ``CODE, name``)."""
    found = []
    for line in text.splitlines():
        code, _, name = line.strip().replace(",", " ", 1).partition(" ")
        if code:
            found.append({"code": code, "name": name.strip() or code})
    return found


@router.post("/security/patrol-routes")
async def add_route(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    require_security(user, write=True)
    values = form_values(await request.form())
    window = values.get("window_minutes", "")
    body = {
        "property_id": values.get("property_id", ""),
        "name": values.get("name", ""),
        "checkpoints": _checkpoints(values.get("checkpoints", "")),
        "rrule": values.get("rrule", ""),
        "window_minutes": int(window) if window.isdigit() else window,
        "time_zone": request.app.state.settings.portal_time_zone,
    }
    try:
        await user.api.post(
            f"{SEC}/patrol-routes", body, idempotency_key=values.get("idempotency_key") or None
        )
    except ApiError as exc:
        if exc.status == 403:
            raise
        ctx = await _sheet_context(request, user)
        form = FormState.from_error(exc, values, formatter(request))
        for name in [k for k in form.errors if k.startswith("checkpoints.")]:
            form.errors["checkpoints"] = form.errors.pop(name)
        ctx["form"] = form
        return render_page(request, "security/patrols.html", ctx, status=422, nav_key="security")
    return redirect(request, f"/security/patrols?property_id={body['property_id']}")


@router.post("/security/patrols")
async def start_patrol(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    require_security(user, write=True)
    values = form_values(await request.form())
    run = await user.api.post(
        f"{SEC}/patrols",
        {"route_id": values.get("route_id", "")},
        idempotency_key=values.get("idempotency_key") or None,
    )
    return redirect(request, f"/security/patrols/{run['id']}")


async def _run_context(user: PortalUser, run_id: str) -> dict[str, Any]:
    run = await user.api.get(f"{SEC}/patrols/{run_id}")
    route = await user.api.get(f"{SEC}/patrol-routes/{run['route_id']}")
    scans = {s["checkpoint_code"]: s for s in run["scans"]}
    return {
        "run": run,
        "route": route,
        "scans": scans,
        "tabs": (),
        "form": FormState(),
        "can_act": user.may_write("security") and run["status"] == "in_progress",
    }


@router.get("/security/patrols/{run_id}")
async def patrol_page(
    request: Request, run_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    require_security(user)
    ctx = await _run_context(user, run_id)
    return render_page(request, "security/patrol.html", ctx, nav_key="security")


@router.post("/security/patrols/{run_id}/{action}")
async def patrol_action(
    request: Request, run_id: str, action: str, user: PortalUser = Depends(form_user)
) -> Response:
    require_security(user, write=True)
    values = form_values(await request.form())
    body: dict[str, Any] = {}
    if values.get("version", "").isdigit():
        body["version"] = int(values["version"])
    if action == "scan":
        body.update(
            checkpoint_code=values.get("checkpoint_code", ""),
            ok=values.get("ok", "yes") == "yes",
            note=values.get("note") or None,
        )
    elif action != "finish":
        return redirect(request, f"/security/patrols/{run_id}")
    try:
        await user.api.post(f"{SEC}/patrols/{run_id}/{action}", body)
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        ctx = await _run_context(user, run_id)
        ctx["form"] = FormState.from_error(exc, values, formatter(request))
        return render_page(
            request, "security/patrol.html", ctx, status=exc.status, nav_key="security"
        )
    return redirect(request, f"/security/patrols/{run_id}")
