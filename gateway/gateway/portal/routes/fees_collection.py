"""Fees beyond the account page: a unit's statement (and its PDF), payment receipts (PDF),
the arrears list by age (and its CSV), and collection cases (attempts, appointments,
promises, opinions). Downloads are streamed from the API with the user's token."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal import nav
from gateway.portal.client import ApiError
from gateway.portal.i18n import N_
from gateway.portal.lookups import fee_properties
from gateway.portal.nav import NavItem
from gateway.portal.routes.fees import FEES, _require_fees
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
nav.add(NavItem("arrears", "/fees/arrears", N_("Arrears"), nav.FEES, 33, "chart"))
nav.add(NavItem("collection", "/fees/collection", N_("Collection"), nav.FEES, 34, "coins"))

PROMISE_STATUSES = ("pending", "kept", "broken")
DOWNLOAD_HEADERS = ("content-type", "content-disposition", "content-length")


async def _download(user: PortalUser, path: str, params: dict[str, str] | None = None) -> Response:
    r = await user.api.request("GET", path, params=params)
    headers = {k: v for k, v in r.headers.items() if k.lower() in DOWNLOAD_HEADERS}
    return Response(r.content, headers=headers)


def _period(request: Request) -> dict[str, str]:
    q = request.query_params
    return {k: q.get(k, "").strip() for k in ("from", "to") if q.get(k, "").strip()}


@router.get("/fees/accounts/{unit_id}/statement")
async def statement(
    request: Request, unit_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    """The statement of a period: opening balance, lines with the running balance, closing."""
    _require_fees(user)
    period = _period(request)
    form = FormState(values=dict(period))
    data = None
    try:
        data = await user.api.get(f"{FEES}/accounts/{unit_id}/statement", **period)
    except ApiError as exc:
        if exc.status != 422:
            raise
        form = FormState.from_error(exc, dict(period), formatter(request))
    ctx = {"unit_id": unit_id, "s": data, "form": form, "pdf_query": urlencode(period)}
    status = 200 if data is not None else 422
    return render(request, "fees/statement.html", ctx, status=status, nav_key="accounts")


@router.get("/fees/accounts/{unit_id}/statement.pdf")
async def statement_pdf(
    request: Request, unit_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    _require_fees(user)
    return await _download(user, f"{FEES}/accounts/{unit_id}/statement.pdf", _period(request))


@router.get("/fees/payments/{payment_id}/receipt.pdf")
async def receipt_pdf(payment_id: str, user: PortalUser = Depends(page_user)) -> Response:
    """A payment's receipt (the API decides who may read it: fees, the desk for its units)."""
    return await _download(user, f"{FEES}/payments/{payment_id}/receipt.pdf")


def _arrears_filters(request: Request, props: dict[str, Any]) -> dict[str, str]:
    q = request.query_params
    out = {k: q.get(k, "").strip() for k in ("property_id", "min_days", "min_amount")}
    if out["property_id"] not in props:
        out["property_id"] = ""
    return {k: v for k, v in out.items() if v}


@router.get("/fees/arrears")
async def arrears(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    """Units in arrears by age (0-30, 31-60, 61-90, 90+ days), filtered; a CSV of the same."""
    _require_fees(user)
    return await _arrears_page(request, user)


async def _arrears_page(
    request: Request, user: PortalUser, refusal: FormState | None = None
) -> Response:
    props = await fee_properties(user.api)
    filters = _arrears_filters(request, props)
    form = FormState(values=dict(filters))
    data = None
    try:
        data = await user.api.get(f"{FEES}/arrears", limit=200, **filters)
    except ApiError as exc:
        if exc.status != 422:
            raise
        form = FormState.from_error(exc, dict(filters), formatter(request))
    ctx = {
        "data": data,
        "form": form,
        "props": props,
        "prop_choices": [(pid, p["name"]) for pid, p in props.items()],
        "csv_query": urlencode(filters),
        "refusal": refusal,
    }
    status = 200 if data is not None and refusal is None else 422
    return render(request, "fees/arrears.html", ctx, status=status, nav_key="arrears")


@router.get("/fees/arrears.csv")
async def arrears_csv(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_fees(user)
    props = await fee_properties(user.api)
    return await _download(user, f"{FEES}/arrears.csv", _arrears_filters(request, props))


@router.get("/fees/collection")
async def cases(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    """Collection cases (open by default, or closed) and the appointments coming due."""
    _require_fees(user)
    status = request.query_params.get("status", "open")
    if status not in ("open", "closed"):
        status = "open"
    promise = request.query_params.get("promise", "")
    if promise not in PROMISE_STATUSES:
        promise = ""
    filters = {"status": status, **({"promise": promise} if promise else {})}
    offset = request.query_params.get("offset", "0")
    page, appointments, props = await asyncio.gather(
        user.api.get(
            f"{FEES}/collection-cases",
            **filters,
            limit=50,
            offset=int(offset) if offset.isdigit() else 0,
        ),
        user.api.get(f"{FEES}/collection-appointments", limit=50),
        fee_properties(user.api),
    )
    units = await _units(user, {c["unit_id"] for c in page["items"]})
    ctx = {
        "page": page,
        "status": status,
        "promise": promise,
        "appointments": appointments,
        "props": props,
        "units": units,
        "params": lambda **kw: urlencode({**filters, **kw}),
    }
    return render(request, "fees/cases.html", ctx, nav_key="collection")


async def _units(user: PortalUser, unit_ids: set[str]) -> dict[str, dict[str, Any]]:
    """The accounts of these units (building, unit number) by unit id."""
    found = await asyncio.gather(
        *(user.api.get(f"{FEES}/accounts", unit_id=u, limit=1) for u in sorted(unit_ids))
    )
    return {f["items"][0]["unit_id"]: f["items"][0] for f in found if f["items"]}


@router.post("/fees/collection")
async def open_case(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    """Open a case for a unit of the arrears list (a refusal goes back to the list)."""
    _require_fees(user, write=True)
    form = await request.form()
    unit_id = str(form.get("unit_id", "")).strip()
    try:
        case = await user.api.post(f"{FEES}/collection-cases", {"unit_id": unit_id})
    except ApiError as exc:
        existing = await user.api.get(
            f"{FEES}/collection-cases", unit_id=unit_id[:36], status="open", limit=1
        )
        if exc.status == 409 and existing["items"]:
            return redirect(request, f"/fees/collection/{existing['items'][0]['id']}")
        refusal = FormState.from_error(exc, {"unit_id": unit_id}, formatter(request))
        return await _arrears_page(request, user, refusal)
    return redirect(request, f"/fees/collection/{case['id']}?done=opened")


async def _case_context(user: PortalUser, case_id: str) -> dict[str, Any]:
    case = await user.api.get(f"{FEES}/collection-cases/{case_id}")
    units = await _units(user, {case["unit_id"]})
    return {"case": case, "account": units.get(case["unit_id"]), "forms": {}}


@router.get("/fees/collection/{case_id}")
async def case_page(
    request: Request, case_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    _require_fees(user)
    ctx = await _case_context(user, case_id)
    ctx["done"] = request.query_params.get("done", "")
    return render(request, "fees/case.html", ctx, nav_key="collection")


def _local(request: Request, value: str) -> str:
    """A ``datetime-local`` value in the portal's time zone, as ISO with its offset."""
    if not value:
        return value
    try:
        tz = ZoneInfo(request.app.state.settings.portal_time_zone)
        return datetime.fromisoformat(value).replace(tzinfo=tz).isoformat()
    except ValueError:
        return value


def _body(request: Request, kind: str, v: dict[str, str]) -> dict[str, Any]:
    if kind == "attempts":
        return {
            "method": v.get("method", ""),
            "reached": v.get("reached") == "yes",
            "spoke_to": v.get("spoke_to") or None,
            "outcome": v.get("outcome", ""),
            "notes": v.get("notes") or None,
        }
    if kind == "appointments":
        return {"at": _local(request, v.get("at", "")), "place": v.get("place", ""),
                "notes": v.get("notes") or None}  # fmt: skip
    if kind == "promises":
        amount = v.get("amount", "").replace(",", "").removeprefix("HK$")
        return {"date": v.get("date", ""), "amount": amount}
    return {"text": v.get("text", ""), "raise_complaint": v.get("raise_complaint") == "yes"}


KINDS = ("attempts", "appointments", "promises", "opinions")


@router.post("/fees/collection/{case_id}/{kind}")
async def add_step(
    request: Request, case_id: str, kind: str, user: PortalUser = Depends(form_user)
) -> Response:
    """An attempt, an appointment, a promise or an opinion on the case (at the version seen)."""
    _require_fees(user, write=True)
    if kind not in KINDS:
        return Response(status_code=404)
    form = await request.form()
    values = {k: str(v).strip() for k, v in form.items() if k != "csrf_token"}
    body = _body(request, kind, values)
    version = values.get("version", "")
    if version.isdigit():
        body["version"] = int(version)
    try:
        await user.api.post(f"{FEES}/collection-cases/{case_id}/{kind}", body)
    except ApiError as exc:
        ctx = await _case_context(user, case_id)
        ctx["forms"] = {kind: FormState.from_error(exc, values, formatter(request))}
        return render(request, "fees/case.html", ctx, status=422, nav_key="collection")
    return redirect(request, f"/fees/collection/{case_id}?done={kind}")
