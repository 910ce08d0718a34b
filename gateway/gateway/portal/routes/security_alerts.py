"""The desk's security alerts (failed post checks, missed patrols, severe incidents), for the
front desk to acknowledge and the manager to read."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal import lookups, nav
from gateway.portal.client import ApiError, Forbidden
from gateway.portal.i18n import N_
from gateway.portal.nav import DESK, NavItem
from gateway.portal.routes.desk import _params_fn
from gateway.portal.web import FormState, PortalUser, form_user, formatter, page_user, redirect
from gateway.portal.web import render as render_page

router = APIRouter()
ALERTS = "/api/frontdesk/v1/security-alerts"
STATUSES = ("open", "acknowledged", "all")
nav.add(NavItem("security_alerts", "/security-alerts", N_("Security alerts"), DESK, 15, "shield"))


async def _context(request: Request, user: PortalUser) -> dict[str, Any]:
    q = request.query_params
    status = q.get("status") if q.get("status") in STATUSES else "open"
    offset = int(q.get("offset", "0")) if q.get("offset", "0").isdigit() else 0
    params: dict[str, Any] = {"limit": 25, "offset": offset}
    if status != "all":
        params["status"] = status
    page = await user.api.get(ALERTS, **params)
    return {
        "page": page,
        "status": status,
        "statuses": STATUSES,
        "props": await lookups.properties(user.api),
        "params": _params_fn({"status": status}),
        "may_ack": user.may_write("frontdesk"),
        "form": FormState(),
        "failed_id": "",
    }


@router.get("/security-alerts")
async def alerts(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    if not user.has("frontdesk", "manager"):
        raise Forbidden(403, {"detail": "front desk only"})
    ctx = await _context(request, user)
    return render_page(request, "desk/security_alerts.html", ctx, nav_key="security_alerts")


@router.post("/security-alerts/{alert_id}/acknowledge")
async def acknowledge(
    request: Request, alert_id: str, user: PortalUser = Depends(form_user)
) -> Response:
    if not user.may_write("frontdesk"):
        raise Forbidden(403, {"detail": "front desk only"})
    values = {k: str(v).strip() for k, v in (await request.form()).items() if k != "csrf_token"}
    body: dict[str, Any] = {"note": values.get("note") or None}
    if values.get("version", "").isdigit():
        body["version"] = int(values["version"])
    try:
        await user.api.post(f"{ALERTS}/{alert_id}/acknowledge", body)
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        ctx = await _context(request, user)
        ctx["form"] = FormState.from_error(exc, values, formatter(request))
        ctx["failed_id"] = alert_id
        return render_page(
            request, "desk/security_alerts.html", ctx, status=exc.status, nav_key="security_alerts"
        )
    return redirect(request, f"/security-alerts?status={values.get('back', 'open')}")
