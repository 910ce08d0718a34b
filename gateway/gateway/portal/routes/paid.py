"""The front desk's paid services (項目計費): the price list per property, quotes made from it
for a unit's resident, and each one's accept / cancel / sign-off; all through the front desk's
API with the user's token."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal import lookups
from gateway.portal.client import ApiError, Forbidden, new_idempotency_key
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
STATUSES = ("quoted", "accepted", "completed", "signed_off", "cancelled")
ACTIONS = ("accept", "cancel", "sign-off")


async def _units(user: PortalUser, unit_ids: set[str]) -> dict[str, dict[str, Any]]:
    found = await asyncio.gather(*(user.api.get_or_none(f"{FD}/units/{u}") for u in unit_ids))
    return {u["id"]: u for u in found if u}


# --- the list --------------------------------------------------------------------------------


@router.get("/paid-services")
async def paid_services(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_desk(user)
    q = request.query_params
    status = q.get("status", "") if q.get("status") in STATUSES else ""
    offset = int(q.get("offset", "0")) if q.get("offset", "0").isdigit() else 0
    page, props = await asyncio.gather(
        user.api.get(f"{FD}/paid-services", status=status, limit=25, offset=offset),
        lookups.properties(user.api),
    )
    units = await _units(user, {p["unit_id"] for p in page["items"]})
    return render(
        request,
        "desk/paid_services.html",
        {
            "page": page,
            "props": props,
            "units": units,
            "status": status,
            "statuses": STATUSES,
            "params": _params_fn({"status": status}),
        },
        nav_key="paid_services",
    )


# --- a new quote -----------------------------------------------------------------------------


async def _new_context(user: PortalUser, unit_id: str) -> dict[str, Any]:
    unit = await user.api.get_or_none(f"{FD}/units/{unit_id}") if unit_id else None
    items: list[dict[str, Any]] = []
    if unit:
        items = (
            await user.api.get(
                f"{FD}/paid-service-items", property_id=unit["property_id"], active=True, limit=200
            )
        )["items"]
    props = await lookups.properties(user.api)
    return {"unit": unit, "items": items, "props": props}


@router.get("/paid-services/new")
async def new_quote(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_desk(user, write=True)
    ctx = await _new_context(user, request.query_params.get("unit_id", ""))
    ctx.update(form=FormState(), idem=new_idempotency_key())
    return render(request, "desk/paid_service_new.html", ctx, nav_key="paid_services")


@router.post("/paid-services/new")
async def quote(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require_desk(user, write=True)
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    lines = [  # a quantity per item of the list; blank: not wanted (the API checks the rest)
        {"item_code": key.removeprefix("qty_"), "quantity": raw.strip()}
        for key, raw in values.items()
        if key.startswith("qty_") and raw.strip()
    ]
    body = {
        "unit_id": values.get("unit_id", ""),
        "party_id": values.get("party_id", ""),
        "lines": lines,
        "notes": values.get("notes", "").strip() or None,
    }
    try:
        created = await user.api.post(
            f"{FD}/paid-services", body, idempotency_key=values.get("idempotency_key")
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        ctx = await _new_context(user, body["unit_id"])
        ctx.update(
            form=FormState.from_error(
                exc, values, formatter(request), fields=("party_id", "lines")
            ),
            idem=values.get("idempotency_key") or new_idempotency_key(),
        )
        return render(
            request, "desk/paid_service_new.html", ctx, status=422, nav_key="paid_services"
        )
    return redirect(request, f"/paid-services/{created['id']}")


# --- one paid service ------------------------------------------------------------------------


async def _detail_context(user: PortalUser, paid_id: str) -> dict[str, Any]:
    paid = await user.api.get(f"{FD}/paid-services/{paid_id}")
    unit, party, props = await asyncio.gather(
        user.api.get(f"{FD}/units/{paid['unit_id']}"),
        user.api.get_or_none(f"{FD}/parties/{paid['party_id']}"),
        lookups.properties(user.api),
    )
    people = (unit.get("owners") or []) + (unit.get("occupants") or [])
    return {"paid": paid, "unit": unit, "party": party, "props": props, "people": people}


@router.get("/paid-services/{paid_id}")
async def paid_service(
    request: Request, paid_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    _require_desk(user)
    ctx = await _detail_context(user, paid_id)
    ctx["form"] = FormState()
    return render(request, "desk/paid_service.html", ctx, nav_key="paid_services")


def _action_body(action: str, values: dict[str, str]) -> dict[str, Any] | None:
    if action == "cancel":
        return {"reason": values.get("reason", "").strip()}
    if action == "sign-off":
        return {
            "signed_by_party_id": values.get("signed_by_party_id", ""),
            "satisfied": {"yes": True, "no": False}.get(values.get("satisfied", "")),
            "comment": values.get("comment", "").strip() or None,
        }
    return None


@router.post("/paid-services/{paid_id}/{action}")
async def paid_service_action(
    request: Request, paid_id: str, action: str, user: PortalUser = Depends(form_user)
) -> Response:
    _require_desk(user, write=True)
    if action not in ACTIONS:
        raise Forbidden(403, {"detail": "no such action"})
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k not in ("csrf_token", "version")}
    version = str(form.get("version") or "")
    headers = {"if-match": f'"{version}"'} if version.isdigit() else None
    try:
        await user.api.request(
            "POST",
            f"{FD}/paid-services/{paid_id}/{action}",
            json=_action_body(action, values),
            headers=headers,
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        ctx = await _detail_context(user, paid_id)
        ctx["open_action"] = action
        ctx["form"] = FormState.from_error(
            exc, values, formatter(request), fields=("signed_by_party_id", "satisfied", "reason")
        )
        return render(
            request, "desk/paid_service.html", ctx, status=exc.status, nav_key="paid_services"
        )
    return redirect(request, f"/paid-services/{paid_id}")


# --- the price list --------------------------------------------------------------------------


async def _price_list_context(user: PortalUser, property_id: str) -> dict[str, Any]:
    props = await lookups.properties(user.api)
    chosen = property_id if property_id in props else next(iter(props), "")
    items = (
        (await user.api.get(f"{FD}/paid-service-items", property_id=chosen, limit=200))["items"]
        if chosen
        else []
    )
    return {"props": props, "property_id": chosen, "items": items}


@router.get("/paid-service-items")
async def price_list(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_desk(user)
    ctx = await _price_list_context(user, request.query_params.get("property_id", ""))
    ctx.update(form=FormState(), idem=new_idempotency_key())
    return render(request, "desk/price_list.html", ctx, nav_key="paid_services")


@router.post("/paid-service-items")
async def add_item(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require_desk(user, write=True)
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    body = {f: values.get(f, "").strip() for f in ("property_id", "code", "name", "unit_price")}
    try:
        await user.api.post(
            f"{FD}/paid-service-items", body, idempotency_key=values.get("idempotency_key")
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        ctx = await _price_list_context(user, body["property_id"])
        ctx.update(
            form=FormState.from_error(exc, values, formatter(request)),
            idem=values.get("idempotency_key") or new_idempotency_key(),
        )
        return render(request, "desk/price_list.html", ctx, status=422, nav_key="paid_services")
    return redirect(request, f"/paid-service-items?property_id={body['property_id']}")


@router.post("/paid-service-items/{item_id}")
async def change_item(
    request: Request, item_id: str, user: PortalUser = Depends(form_user)
) -> Response:
    """A new price, or the item taken off (or back onto) the list."""
    _require_desk(user, write=True)
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    body: dict[str, Any] = {}
    if values.get("unit_price", "").strip():
        body["unit_price"] = values["unit_price"].strip()
    if values.get("active") in ("true", "false"):
        body["active"] = values["active"] == "true"
    version = values.get("version", "")
    try:
        await user.api.patch(
            f"{FD}/paid-service-items/{item_id}",
            body,
            version=int(version) if version.isdigit() else None,
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        ctx = await _price_list_context(user, values.get("property_id", ""))
        state = FormState.from_error(exc, {}, formatter(request))
        state.message = state.message or "; ".join(state.errors.values())
        state.errors = {}
        ctx.update(form=state, idem=new_idempotency_key())
        return render(request, "desk/price_list.html", ctx, status=422, nav_key="paid_services")
    return redirect(request, f"/paid-service-items?property_id={values.get('property_id', '')}")
