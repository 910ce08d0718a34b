"""Shift handover pages (交接記錄表): write one for a post (the last one's open items filled in),
the pending ones to acknowledge (by the successor), the latest acknowledged."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal import lookups, nav
from gateway.portal.client import ApiError, new_idempotency_key
from gateway.portal.i18n import N_
from gateway.portal.nav import DESK, NavItem
from gateway.portal.routes.desk import _require_desk
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
DEFAULT_POST = "lobby"

nav.add(NavItem("handovers", "/handovers", N_("Shift handover"), DESK, 16, "handover"))


async def _page(
    request: Request, user: PortalUser, form: FormState | None = None, status: int = 200
) -> Response:
    fm = formatter(request)
    q = request.query_params
    props = await lookups.properties(user.api)
    values = form.values if form else {}
    property_id = values.get("property_id") or q.get("property_id") or next(iter(props), "")
    post = (values.get("post") or q.get("post") or DEFAULT_POST).strip() or DEFAULT_POST
    pending, recent, carry = await asyncio.gather(
        user.api.get(f"{FD}/handovers", status="pending", limit=50),
        user.api.get(f"{FD}/handovers", status="acknowledged", limit=10),
        user.api.get(f"{FD}/handovers/carry-over", property_id=property_id, post=post)
        if property_id
        else asyncio.sleep(0, {"open_items": [], "previous_id": None}),
    )
    if form is None:
        form = FormState(
            values={
                "property_id": property_id,
                "post": post,
                "shift_end": datetime.now(fm.tz).strftime("%Y-%m-%dT%H:00"),
                "open_items": "\n".join(carry["open_items"]),
            }
        )
    ctx = {
        "pending": pending["items"],
        "recent": recent["items"],
        "carry": carry,
        "props": props,
        "form": form,
        "idem": values.get("idempotency_key") or new_idempotency_key(),
    }
    return render(request, "desk/handovers.html", ctx, status=status, nav_key="handovers")


@router.get("/handovers")
async def handovers(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_desk(user)
    return await _page(request, user)


@router.post("/handovers")
async def write(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require_desk(user, write=True)
    fm = formatter(request)
    form = await request.form()
    values: dict[str, Any] = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    shift_end = values.get("shift_end", "")
    try:
        local = datetime.fromisoformat(shift_end).replace(tzinfo=fm.tz).isoformat()
    except ValueError:
        local = shift_end
    body = {
        "property_id": values.get("property_id", ""),
        "post": values.get("post", "").strip(),
        "shift_end": local,
        "notes": values.get("notes", "").strip(),
        "open_items": [
            line.strip() for line in values.get("open_items", "").splitlines() if line.strip()
        ],
    }
    try:
        await user.api.post(f"{FD}/handovers", body, idempotency_key=values.get("idempotency_key"))
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        return await _page(request, user, FormState.from_error(exc, values, fm), status=422)
    query = urlencode({"property_id": body["property_id"], "post": body["post"]})
    return redirect(request, f"/handovers?{query}#pending")


@router.post("/handovers/{handover_id}/acknowledge")
async def acknowledge(
    request: Request, handover_id: str, user: PortalUser = Depends(form_user)
) -> Response:
    _require_desk(user, write=True)
    form = await request.form()
    try:
        await user.api.post(
            f"{FD}/handovers/{handover_id}/acknowledge",
            {"note": str(form.get("note", "")).strip() or None},
        )
    except ApiError as exc:
        if exc.status == 404:
            raise
        state = FormState.from_error(exc, {}, formatter(request))
        state.message = state.message or "; ".join(state.errors.values())
        state.errors = {}
        return await _page(request, user, FormState(message=state.message), status=422)
    return redirect(request, "/handovers#pending")
