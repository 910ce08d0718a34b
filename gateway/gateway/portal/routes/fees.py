"""Management fees: find a unit's account, its charges, payments and status; record a payment."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal.client import ApiError, Forbidden, NotFoundError, new_idempotency_key
from gateway.portal.lookups import fee_properties
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
FEES = "/api/fees/v1"


def _require_fees(user: PortalUser, write: bool = False) -> None:
    ok = user.may_write("fees") if write else user.has("fees", "manager")
    if not ok:
        raise Forbidden(403, {"detail": "fees only"})


@router.get("/fees/accounts")
async def accounts(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    """The fee accounts of a property (units, leases, venue bookings), with their count."""
    _require_fees(user)
    q = request.query_params.get("q", "").strip()
    offset = request.query_params.get("offset", "0")
    props = await fee_properties(user.api)
    property_id = request.query_params.get("property_id", "")
    if property_id not in props:
        property_id = ""
    page = await user.api.get(
        f"{FEES}/accounts",
        limit=50,
        offset=int(offset) if offset.isdigit() else 0,
        **({"property_id": property_id} if property_id else {}),
    )
    items = page["items"]
    if q:
        needle = "".join(q.split()).casefold()
        items = [
            a
            for a in items
            if needle in "".join(f"{a['building']}{a['unit_number']}".split()).casefold()
            or needle in a["property_code"].casefold()
        ]
    ctx = {
        "items": items,
        "page": page,
        "q": q,
        "props": props,
        "prop_choices": [(pid, p["name"]) for pid, p in props.items()],
        "property_id": property_id,
        "params": lambda **kw: urlencode({"property_id": property_id, "q": q, **kw}),
    }
    return render(request, "fees/accounts.html", ctx, nav_key="accounts")


async def _account_context(user: PortalUser, unit_id: str) -> dict[str, Any]:
    found, status, charges, payments = await asyncio.gather(
        user.api.get(f"{FEES}/accounts", unit_id=unit_id, limit=1),
        user.api.get_or_none(f"{FEES}/accounts/{unit_id}/status"),
        user.api.get(f"{FEES}/charges", unit_id=unit_id, limit=100),
        user.api.get(f"{FEES}/payments", unit_id=unit_id, limit=100),
    )
    if not found["items"]:
        raise NotFoundError(404, {"detail": "no account for this unit"})
    return {
        "account": found["items"][0],
        "status": status,
        "charges": charges,
        "payments": payments,
        "form": FormState(values={"method": "cash"}),
        "idem": new_idempotency_key(),
    }


@router.get("/fees/accounts/{unit_id}")
async def account(
    request: Request, unit_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    _require_fees(user)
    ctx = await _account_context(user, unit_id)
    ctx["flash"] = request.query_params.get("paid", "")
    return render(request, "fees/account.html", ctx, nav_key="accounts")


@router.post("/fees/accounts/{unit_id}/payments")
async def record_payment(
    request: Request, unit_id: str, user: PortalUser = Depends(form_user)
) -> Response:
    _require_fees(user, write=True)
    form = await request.form()
    values = {k: str(v).strip() for k, v in form.items() if k != "csrf_token"}
    paid_at = None
    if values.get("paid_at"):
        try:
            tz = ZoneInfo(request.app.state.settings.portal_time_zone)
            paid_at = datetime.fromisoformat(values["paid_at"]).replace(tzinfo=tz).isoformat()
        except ValueError:
            paid_at = values["paid_at"]
    body = {
        "unit_id": unit_id,
        "amount": values.get("amount", "").replace(",", "").removeprefix("HK$"),
        "method": values.get("method", ""),
        "paid_at": paid_at,
        "reference": values.get("reference") or None,
    }
    try:
        await user.api.post(
            f"{FEES}/payments", body, idempotency_key=values.get("idempotency_key") or None
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        ctx = await _account_context(user, unit_id)
        ctx["form"] = FormState.from_error(exc, values, formatter(request))
        ctx["idem"] = values.get("idempotency_key")
        return render(request, "fees/account.html", ctx, status=422, nav_key="accounts")
    return redirect(request, f"/fees/accounts/{unit_id}?paid=1")
