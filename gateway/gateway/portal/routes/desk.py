"""The front desk: complaint queue, record a complaint, the complaint page and its actions."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal import lookups
from gateway.portal.client import ApiError, Forbidden, new_idempotency_key
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
PAGE = 25
QUEUE_FILTERS = ("status", "department", "nature", "overdue", "property_id", "offset")


def _require_desk(user: PortalUser, write: bool = False) -> None:
    ok = user.may_write("frontdesk") if write else user.has("frontdesk", "manager")
    if not ok:
        raise Forbidden(403, {"detail": "front desk only"})


def _params_fn(current: dict[str, Any]):
    def params(**changes: Any) -> str:
        merged = {**current, **changes}
        return urlencode({k: v for k, v in merged.items() if v not in (None, "", False)})

    return params


@router.get("/complaints")
async def queue(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_desk(user)
    q = request.query_params
    filters = {k: q.get(k, "") for k in QUEUE_FILTERS}
    offset = int(filters["offset"]) if filters["offset"].isdigit() else 0
    api_params: dict[str, Any] = {
        "status": filters["status"],
        "department": filters["department"],
        "nature": filters["nature"],
        "property_id": filters["property_id"],
        "overdue": "true" if filters["overdue"] else None,
        "limit": PAGE,
        "offset": offset,
    }
    page, props = await asyncio.gather(
        user.api.get(f"{FD}/complaints", **api_params), lookups.properties(user.api)
    )
    ctx = {
        "page": page,
        "props": props,
        "filters": filters,
        "params": _params_fn({k: v for k, v in filters.items() if k != "offset"}),
    }
    template = "desk/_queue_rows.html" if request.headers.get("hx-target") == "queue" else None
    return render(request, template or "desk/queue.html", ctx, nav_key="complaints")


@router.get("/complaints/new")
async def new_complaint(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_desk(user, write=True)
    props = await lookups.properties(user.api)
    form = FormState(values={"property_id": next(iter(props), ""), "channel": "walk_in"})
    return render(
        request,
        "desk/new.html",
        {"props": props, "form": form, "idem": new_idempotency_key()},
        nav_key="record",
    )


@router.post("/complaints/new")
async def record_complaint(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require_desk(user, write=True)
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    body = {
        "property_id": values.get("property_id", ""),
        "unit_id": values.get("unit_id") or None,
        "party_id": values.get("party_id") or None,
        "channel": values.get("channel", ""),
        "description": values.get("description", "").strip(),
        "location": values.get("location", "").strip() or None,
    }
    try:
        created = await user.api.post(
            f"{FD}/complaints", body, idempotency_key=values.get("idempotency_key") or None
        )
    except ApiError as exc:
        props = await lookups.properties(user.api)
        state = FormState.from_error(
            exc, values, formatter(request), fields=("unit_id", "party_id")
        )
        return render(
            request,
            "desk/new.html",
            {"props": props, "form": state, "idem": values.get("idempotency_key")},
            status=422,
            nav_key="record",
        )
    return redirect(request, f"/complaints/{created['id']}?recorded=1")


def _typed(request: Request, *names: str) -> str:
    """What was typed in a search box (htmx sends the input under its own name)."""
    return next((request.query_params[n] for n in names if request.query_params.get(n)), "")


@router.get("/lookup/units")
async def unit_lookup(
    request: Request, property_id: str = "", user: PortalUser = Depends(page_user)
) -> Response:
    _require_desk(user)
    q = _typed(request, "q", "unit_q")
    units = await lookups.search_units(user.api, q, property_id or None)
    return render(request, "desk/_unit_choices.html", {"units": units, "q": q})


@router.get("/lookup/parties")
async def party_lookup(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_desk(user)
    q = _typed(request, "q", "party_q")
    parties = await lookups.search_parties(user.api, q)
    return render(request, "desk/_party_choices.html", {"parties": parties, "q": q})


async def _complaint_context(user: PortalUser, complaint_id: str) -> dict[str, Any]:
    c = await user.api.get(f"{FD}/complaints/{complaint_id}")
    unit, party, props = await asyncio.gather(
        user.api.get_or_none(f"{FD}/units/{c['unit_id']}") if c.get("unit_id") else _none(),
        user.api.get_or_none(f"{FD}/parties/{c['party_id']}") if c.get("party_id") else _none(),
        lookups.properties(user.api),
    )
    actions = lookups.complaint_actions(c) if user.may_write("frontdesk") else []
    return {"c": c, "unit": unit, "party": party, "props": props, "actions": actions}


def _property_formatter(request: Request, ctx: dict[str, Any]) -> Any:
    """Dates and times of a record in its property's time zone (where the register has one)."""
    prop = ctx["props"].get(ctx["c"]["property_id"], {})
    return formatter(request).zone(prop.get("time_zone"))


async def _none() -> None:
    return None


@router.get("/complaints/{complaint_id}")
async def complaint_page(
    request: Request, complaint_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    _require_desk(user)
    ctx = await _complaint_context(user, complaint_id)
    ctx["flash"] = "recorded" if request.query_params.get("recorded") else ""
    ctx["fm"] = _property_formatter(request, ctx)
    return render(request, "desk/complaint.html", ctx, nav_key="complaints")


def _local_iso(value: str, tz: str) -> str:
    """A ``datetime-local`` field (the property's time) as an ISO instant; bad input unchanged
    (the API names the field)."""
    try:
        return datetime.fromisoformat(value).replace(tzinfo=ZoneInfo(tz)).isoformat()
    except ValueError:
        return value


def _action_body(action: str, v: dict[str, str], tz: str) -> dict[str, Any] | None:
    text = {k: val.strip() for k, val in v.items()}
    if action == "classify":
        return {
            "nature": text.get("nature", ""),
            "kind": text.get("kind") or None,
            "department": text.get("department", ""),
            "priority": text.get("priority") or None,
        }
    if action == "confirm-identity":
        return {
            "party_id": text.get("party_id", ""),
            "document_checked": text.get("document_checked") == "on",
        }
    if action == "dispatch":
        return None
    if action == "answer":
        return {"answer": text.get("answer", "")}
    if action == "resolve":
        return {"resolution_notes": text.get("resolution_notes", "")}
    if action == "site-visits":
        return {
            "department_head": text.get("department_head", ""),
            "visited_at": _local_iso(text.get("visited_at", ""), tz),
            "findings": text.get("findings", ""),
        }
    if action == "commitments":
        return {
            "text": text.get("text", ""),
            "promised_by": text.get("promised_by", ""),
            "due_date": text.get("due_date", ""),
        }
    if action in ("escalate", "cancel"):
        return {"reason": text.get("reason", "")}
    raise KeyError(action)


ACTIONS = (
    "classify",
    "confirm-identity",
    "dispatch",
    "answer",
    "resolve",
    "site-visits",
    "commitments",
    "escalate",
    "cancel",
)


@router.post("/complaints/{complaint_id}/{action}")
async def complaint_action(
    request: Request, complaint_id: str, action: str, user: PortalUser = Depends(form_user)
) -> Response:
    _require_desk(user, write=True)
    if action not in ACTIONS:
        raise Forbidden(403, {"detail": "no such action"})
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k not in ("csrf_token", "version")}
    body = _action_body(action, values, request.app.state.settings.portal_time_zone)
    version = form.get("version")
    headers = {"if-match": f'"{version}"'} if isinstance(version, str) and version else None
    try:
        await user.api.request(
            "POST", f"{FD}/complaints/{complaint_id}/{action}", json=body, headers=headers
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        ctx = await _complaint_context(user, complaint_id)
        ctx["fm"] = _property_formatter(request, ctx)
        ctx["open_action"] = "" if action == "dispatch" else action  # dispatch: a bare button
        ctx["action_form"] = FormState.from_error(
            exc, values, formatter(request), fields=("document_checked",)
        )
        return render(request, "desk/complaint.html", ctx, status=exc.status, nav_key="complaints")
    return redirect(request, f"/complaints/{complaint_id}")


@router.post("/commitments/{commitment_id}/{verb}")
async def settle_commitment(
    request: Request, commitment_id: str, verb: str, user: PortalUser = Depends(form_user)
) -> Response:
    _require_desk(user, write=True)
    form = await request.form()
    complaint_id = str(form.get("complaint_id", ""))
    if verb not in ("keep", "withdraw"):
        raise Forbidden(403, {"detail": "no such action"})
    try:
        await user.api.post(
            f"{FD}/commitments/{commitment_id}/{verb}",
            {"note": str(form.get("note") or "") or None},
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        ctx = await _complaint_context(user, complaint_id)
        ctx["action_form"] = FormState.from_error(exc, {}, formatter(request))
        return render(request, "desk/complaint.html", ctx, status=exc.status, nav_key="complaints")
    return redirect(request, f"/complaints/{complaint_id}")
