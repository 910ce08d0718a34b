"""The front desk's other pages: callbacks due (recorded in place), the phone log, the register
(properties, units, parties, occupancies)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal import lookups
from gateway.portal.client import ApiError, Forbidden, new_idempotency_key
from gateway.portal.errors import translate_error
from gateway.portal.i18n import Formatter
from gateway.portal.routes.desk import _params_fn, _require_desk
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


# --- callbacks ----------------------------------------------------------------------------------


@router.get("/callbacks")
async def callbacks(
    request: Request, when: str = "today", user: PortalUser = Depends(page_user)
) -> Response:
    _require_desk(user)
    fm = formatter(request)
    page, props = await asyncio.gather(
        user.api.get(f"{FD}/callbacks", status="due", limit=500), lookups.properties(user.api)
    )
    items = page["items"]
    if when == "today":
        items = [cb for cb in items if _due_by_end_of_today(cb, props, fm)]
    items.sort(key=lambda cb: cb["due_at"])
    return render(
        request,
        "desk/callbacks.html",
        {"items": items, "props": props, "when": when, "total_due": page["total"]},
        nav_key="callbacks",
    )


def _due_by_end_of_today(
    cb: dict[str, Any],
    props: dict[str, dict[str, Any]],
    fm: Formatter,
    now: datetime | None = None,
) -> bool:
    """Due before midnight where the property is (its time zone; the portal's if unknown)."""
    local = fm.zone((props.get(cb["property_id"]) or {}).get("time_zone"))
    today = (now or datetime.now(UTC)).astimezone(local.tz).date()
    end_of_today = datetime.combine(today + timedelta(days=1), time(0), local.tz)
    return datetime.fromisoformat(cb["due_at"]) < end_of_today


@router.post("/callbacks/{callback_id}/record")
async def record_callback(
    request: Request, callback_id: str, user: PortalUser = Depends(form_user)
) -> Response:
    _require_desk(user, write=True)
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    reached = values.get("reached")
    body: dict[str, Any] = {
        "reached": {"yes": True, "no": False}.get(reached or "", None),
        "satisfaction": int(values["satisfaction"])
        if values.get("satisfaction", "").isdigit()
        else None,
        "comment": values.get("comment", "").strip() or None,
    }
    try:
        cb = await user.api.post(f"{FD}/callbacks/{callback_id}/record", body)
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        cb = await user.api.get(f"{FD}/callbacks", status="due", limit=500)
        current = next((c for c in cb["items"] if c["id"] == callback_id), None)
        state = FormState.from_error(
            exc, values, formatter(request), fields=("reached", "satisfaction")
        )
        if current is None:
            state.message = state.message or translate_error(
                formatter(request), exc.detail, exc.status
            )
            current = {
                "id": callback_id,
                "status": "done",
                "complaint_id": values.get("complaint_id"),
            }
        return render(request, "desk/_callback_row.html", {"cb": current, "form": state})
    return render(request, "desk/_callback_row.html", {"cb": cb, "saved": True})


# --- phone log ----------------------------------------------------------------------------------


@router.get("/calls")
async def calls(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_desk(user)
    q = request.query_params
    status = q.get("status", "")
    offset = int(q.get("offset", "0")) if q.get("offset", "0").isdigit() else 0
    page, props = await asyncio.gather(
        user.api.get(f"{FD}/calls", status=status, limit=25, offset=offset),
        lookups.properties(user.api),
    )
    return render(
        request,
        "desk/calls.html",
        {
            "page": page,
            "props": props,
            "status": status,
            "params": _params_fn({"status": status}),
            "form": FormState(values={"property_id": next(iter(props), "")}),
            "idem": new_idempotency_key(),
        },
        nav_key="calls",
    )


@router.post("/calls")
async def log_call(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require_desk(user, write=True)
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    body = {
        "property_id": values.get("property_id", ""),
        "caller_name": values.get("caller_name", "").strip(),
        "phone": values.get("phone", "").strip(),
        "summary": values.get("summary", "").strip(),
        "answered_on_call": values.get("answered_on_call") == "on",
    }
    try:
        await user.api.post(f"{FD}/calls", body, idempotency_key=values.get("idempotency_key"))
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        return await _calls_page(
            request, user, FormState.from_error(exc, values, formatter(request))
        )
    return redirect(request, "/calls")


@router.post("/calls/{call_id}/follow-up")
async def follow_up(
    request: Request, call_id: str, user: PortalUser = Depends(form_user)
) -> Response:
    _require_desk(user, write=True)
    form = await request.form()
    try:
        await user.api.post(
            f"{FD}/calls/{call_id}/follow-up", {"notes": str(form.get("notes", ""))}
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        state = FormState.from_error(exc, {}, formatter(request))
        state.message = state.message or "; ".join(state.errors.values())
        state.errors = {}
        return await _calls_page(request, user, state)
    return redirect(request, "/calls")


@router.post("/calls/{call_id}/complaint")
async def call_to_complaint(
    request: Request, call_id: str, user: PortalUser = Depends(form_user)
) -> Response:
    """The call becomes a recorded complaint (its summary as the description)."""
    _require_desk(user, write=True)
    try:
        created = await user.api.post(f"{FD}/calls/{call_id}/complaint", {"channel": "phone"})
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        return await _calls_page(request, user, FormState.from_error(exc, {}, formatter(request)))
    return redirect(request, f"/complaints/{created['id']}?recorded=1")


async def _calls_page(request: Request, user: PortalUser, form: FormState) -> Response:
    page, props = await asyncio.gather(
        user.api.get(f"{FD}/calls", limit=25), lookups.properties(user.api)
    )
    ctx = {
        "page": page,
        "props": props,
        "status": "",
        "params": _params_fn({}),
        "form": form,
        "idem": form.values.get("idempotency_key") or new_idempotency_key(),
    }
    return render(request, "desk/calls.html", ctx, status=422, nav_key="calls")


# --- register -----------------------------------------------------------------------------------

REGISTER_TABS = ("units", "parties", "properties")


@router.get("/register")
async def register(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_desk(user)
    q = request.query_params
    tab = q.get("tab", "units") if q.get("tab") in REGISTER_TABS else "units"
    text = q.get("q", "").strip()
    props = await lookups.properties(user.api)
    rows: list[dict[str, Any]]
    if tab == "units":
        rows = (
            await lookups.search_units(user.api, text)
            if text
            else (await user.api.get(f"{FD}/units", limit=100))["items"]
        )
    elif tab == "parties":
        rows = (
            await lookups.search_parties(user.api, text)
            if text
            else (await user.api.get(f"{FD}/parties", limit=100))["items"]
        )
    else:
        rows = list(props.values())
    return render(
        request,
        "desk/register.html",
        {
            "tab": tab,
            "q": text,
            "rows": rows,
            "props": props,
            "form": FormState(),
            "idem": new_idempotency_key(),
        },
        nav_key="register",
    )


@router.get("/register/units/{unit_id}")
async def unit_page(
    request: Request, unit_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    _require_desk(user)
    ctx = await _unit_context(user, unit_id)
    return render(
        request,
        "desk/unit.html",
        {**ctx, "form": FormState(), "idem": new_idempotency_key()},
        nav_key="register",
    )


async def _unit_context(user: PortalUser, unit_id: str) -> dict[str, Any]:
    """The unit's page from the gateway's unit view (register, complaints, and fees' account,
    charges and payments), which still answers with a part marked unavailable when a service
    is down; the property names are only a nicety then."""
    view, props = await asyncio.gather(
        user.api.get(f"/api/views/units/{quote(unit_id, safe='')}"),
        _properties_or_none(user),
    )
    return {"view": view, "unit": view.get("unit"), "props": props or {}}


async def _properties_or_none(user: PortalUser) -> dict[str, dict[str, Any]] | None:
    try:
        return await lookups.properties(user.api)
    except ApiError as exc:
        if exc.status < 500:
            raise
        return None  # the front desk is down: the view marks its part unavailable


REGISTER_CREATE = {
    "properties": ("code", "name"),
    "units": ("property_id", "building", "number", "floor", "area_m2"),
    "parties": ("name", "phone", "id_number", "kind"),
    "occupancies": ("unit_id", "party_id", "role", "start_date", "end_date"),
}


@router.post("/register/{kind}")
async def register_create(
    request: Request, kind: str, user: PortalUser = Depends(form_user)
) -> Response:
    _require_desk(user, write=True)
    if kind not in REGISTER_CREATE:
        raise Forbidden(403, {"detail": "no such register"})
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    body = {f: values.get(f, "").strip() or None for f in REGISTER_CREATE[kind]}
    back = values.get("back") or f"/register?tab={kind}"
    try:
        await user.api.post(f"{FD}/{kind}", body, idempotency_key=values.get("idempotency_key"))
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        state = FormState.from_error(exc, values, formatter(request))
        if kind == "occupancies":
            unit_id = values.get("unit_id", "")
            ctx = {
                **await _unit_context(user, unit_id),
                "form": state,
                "idem": values.get("idempotency_key"),
            }
            return render(request, "desk/unit.html", ctx, status=422, nav_key="register")
        props = await lookups.properties(user.api)
        ctx = {
            "tab": kind,
            "q": "",
            "rows": [],
            "props": props,
            "form": state,
            "idem": values.get("idempotency_key"),
        }
        return render(request, "desk/register.html", ctx, status=422, nav_key="register")
    return redirect(request, back)
