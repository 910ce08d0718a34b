"""Engineering's equipment register (設備設施), an item's page (its work orders, service log
and maintenance plans, with a form for a new plan), and the preventive work past due."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal import lookups, nav
from gateway.portal.client import ApiError, Forbidden, new_idempotency_key
from gateway.portal.i18n import N_
from gateway.portal.labels import LABELS
from gateway.portal.routes.desk import _params_fn
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
ENG = "/api/engineering/v1"
READERS = frozenset({"engineering", "manager"})
CATEGORIES = frozenset(LABELS["equipment_category"])

nav.add(nav.NavItem("equipment", "/engineering/equipment", N_("Equipment"), READERS, 21, "cog"))
nav.add(
    nav.NavItem(
        "maintenance_overdue",
        "/engineering/maintenance/overdue",
        N_("Overdue maintenance"),
        READERS,
        22,
        "clock",
    )
)

EQUIPMENT_FIELDS = ("property_id", "code", "name", "category", "location", "vendor", "installed_on")
PLAN_FIELDS = ("task", "rrule", "lead_days", "starts_on")


def _require(user: PortalUser, write: bool = False) -> None:
    if not (user.may_write("engineering") if write else user.has(*READERS)):
        raise Forbidden(403, {"detail": "engineering only"})


def _offset(request: Request) -> int:
    value = request.query_params.get("offset", "0")
    return int(value) if value.isdigit() else 0


async def _property_choices(
    user: PortalUser, props: dict[str, dict[str, Any]], items: list[dict[str, Any]]
) -> list[tuple[str, str]]:
    """The properties a new item can be in, with names where known: the front desk's register
    if the user reads it; else the places engineering's work orders and equipment name."""
    if props:
        return [(pid, p["name"]) for pid, p in props.items()]
    names: dict[str, str] = {pid: pid for pid in user.principal.property_ids}
    names.update({e["property_id"]: e["property_id"] for e in items})
    orders = await user.api.get(f"{ENG}/workorders", limit=100)
    for t in orders["items"]:
        if t.get("property_name") or t["property_id"] not in names:
            names[t["property_id"]] = t.get("property_name") or t["property_id"]
    return sorted(names.items(), key=lambda pair: pair[1])


async def _register_context(request: Request, user: PortalUser) -> dict[str, Any]:
    q = request.query_params.get("q", "").strip()
    category = request.query_params.get("category", "")
    category = category if category in CATEGORIES else ""
    page, props = await asyncio.gather(
        user.api.get(f"{ENG}/equipment", q=q, category=category, limit=25, offset=_offset(request)),
        lookups.properties(user.api),
    )
    return {
        "page": page,
        "props": props,
        "places": await _property_choices(user, props, page["items"]),
        "q": q,
        "category": category,
        "params": _params_fn({"q": q, "category": category}),
        "form": FormState(values={"category": "lift"}),
        "idem": new_idempotency_key(),
    }


@router.get("/engineering/equipment")
async def register(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require(user)
    ctx = await _register_context(request, user)
    return render(request, "engineering/register.html", ctx, nav_key="equipment")


@router.post("/engineering/equipment")
async def add_equipment(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require(user, write=True)
    form = await request.form()
    values = {k: str(v).strip() for k, v in form.items() if k != "csrf_token"}
    body = {f: values.get(f) or None for f in EQUIPMENT_FIELDS}
    try:
        made = await user.api.post(
            f"{ENG}/equipment", body, idempotency_key=values.get("idempotency_key") or None
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        ctx = await _register_context(request, user)
        ctx["form"] = FormState.from_error(exc, values, formatter(request))
        ctx["idem"] = values.get("idempotency_key")
        return render(
            request, "engineering/register.html", ctx, status=exc.status, nav_key="equipment"
        )
    return redirect(request, f"/engineering/equipment/{made['id']}")


async def _item_context(user: PortalUser, equipment_id: str) -> dict[str, Any]:
    item, props = await asyncio.gather(
        user.api.get(f"{ENG}/equipment/{equipment_id}"), lookups.properties(user.api)
    )
    return {
        "e": item,
        "props": props,
        "form": FormState(values={"lead_days": "7", "rrule": "FREQ=MONTHLY;BYMONTHDAY=1"}),
        "idem": new_idempotency_key(),
    }


@router.get("/engineering/equipment/{equipment_id}")
async def item_page(
    request: Request, equipment_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    _require(user)
    ctx = await _item_context(user, equipment_id)
    ctx["flash"] = request.query_params.get("planned", "")
    return render(request, "engineering/equipment.html", ctx, nav_key="equipment")


@router.post("/engineering/equipment/{equipment_id}/plans")
async def add_plan(
    request: Request, equipment_id: str, user: PortalUser = Depends(form_user)
) -> Response:
    _require(user, write=True)
    form = await request.form()
    values = {k: str(v).strip() for k, v in form.items() if k != "csrf_token"}
    body: dict[str, Any] = {f: values.get(f) or None for f in PLAN_FIELDS}
    body["equipment_id"] = equipment_id
    try:
        await user.api.post(
            f"{ENG}/maintenance-plans",
            body,
            idempotency_key=values.get("idempotency_key") or None,
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        ctx = await _item_context(user, equipment_id)
        ctx["form"] = FormState.from_error(exc, values, formatter(request))
        ctx["idem"] = values.get("idempotency_key")
        return render(
            request, "engineering/equipment.html", ctx, status=exc.status, nav_key="equipment"
        )
    return redirect(request, f"/engineering/equipment/{equipment_id}?planned=1")


@router.get("/engineering/maintenance/overdue")
async def overdue(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require(user)
    page, props = await asyncio.gather(
        user.api.get(f"{ENG}/maintenance/overdue", limit=25, offset=_offset(request)),
        lookups.properties(user.api),
    )
    ctx = {"page": page, "props": props, "params": _params_fn({})}
    return render(request, "engineering/overdue.html", ctx, nav_key="maintenance_overdue")
