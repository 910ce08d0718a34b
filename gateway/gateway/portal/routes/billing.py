"""Management fees' cycle: fee rates (history and a new rate) and the monthly billing runs
(start one, follow its progress, its totals). Accounts by property are in ``fees.py``."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal import nav
from gateway.portal.client import ApiError, Forbidden, new_idempotency_key
from gateway.portal.i18n import N_
from gateway.portal.lookups import fee_properties
from gateway.portal.nav import NavItem
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
nav.add(NavItem("fee-rates", "/fees/rates", N_("Fee rates"), nav.FEES, 31, "coins"))
nav.add(NavItem("billing-runs", "/fees/billing-runs", N_("Billing runs"), nav.FEES, 32, "chart"))


def _require(user: PortalUser, write: bool = False) -> None:
    if not (user.may_write("fees") if write else user.has("fees", "manager")):
        raise Forbidden(403, {"detail": "fees only"})


def _choices(props: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    return [(pid, p["name"]) for pid, p in props.items()]


def _values(form: Any) -> dict[str, str]:
    return {k: str(v).strip() for k, v in form.items() if k != "csrf_token"}


async def _rates_context(
    user: PortalUser, property_id: str, form: FormState | None = None
) -> dict[str, Any]:
    props = await fee_properties(user.api)
    property_id = property_id or next(iter(props), "")
    rates = await user.api.get(
        f"{FEES}/fee-rates", limit=100, **({"property_id": property_id} if property_id else {})
    )
    today = date.today().isoformat()
    in_force = next((r for r in rates["items"] if r["effective_from"] <= today), None)
    return {
        "props": props,
        "prop_choices": _choices(props),
        "property_id": property_id,
        "rates": rates,
        "in_force": in_force,
        "form": form
        or FormState(values={"property_id": property_id, "basis": "per_m2", "effective_from": ""}),
        "idem": new_idempotency_key(),
    }


@router.get("/fees/rates")
async def rates(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require(user)
    ctx = await _rates_context(user, request.query_params.get("property_id", ""))
    ctx["flash"] = request.query_params.get("added", "")
    return render(request, "fees/rates.html", ctx, nav_key="fee-rates")


@router.post("/fees/rates")
async def add_rate(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require(user, write=True)
    values = _values(await request.form())
    body = {
        "property_id": values.get("property_id", ""),
        "basis": values.get("basis", ""),
        "amount": values.get("amount", "").replace(",", "").removeprefix("HK$"),
        "effective_from": values.get("effective_from") or None,
    }
    try:
        await user.api.post(
            f"{FEES}/fee-rates", body, idempotency_key=values.get("idempotency_key") or None
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        form = FormState.from_error(exc, values, formatter(request))
        ctx = await _rates_context(user, values.get("property_id", ""), form)
        ctx["idem"] = values.get("idempotency_key")
        return render(request, "fees/rates.html", ctx, status=422, nav_key="fee-rates")
    return redirect(request, f"/fees/rates?property_id={body['property_id']}&added=1")


def _next_period() -> str:
    today = date.today()
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return f"{year:04d}-{month:02d}"


async def _runs_context(
    user: PortalUser, property_id: str, form: FormState | None = None
) -> dict[str, Any]:
    props = await fee_properties(user.api)
    runs = await user.api.get(
        f"{FEES}/billing-runs", limit=50, **({"property_id": property_id} if property_id else {})
    )
    first = property_id or next(iter(props), "")
    return {
        "props": props,
        "prop_choices": _choices(props),
        "property_id": property_id,
        "runs": runs,
        "form": form or FormState(values={"property_id": first, "period": _next_period()}),
    }


@router.get("/fees/billing-runs")
async def billing_runs(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require(user)
    ctx = await _runs_context(user, request.query_params.get("property_id", ""))
    return render(request, "fees/billing_runs.html", ctx, nav_key="billing-runs")


@router.post("/fees/billing-runs")
async def start_run(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require(user, write=True)
    values = _values(await request.form())
    body: dict[str, Any] = {
        "property_id": values.get("property_id", ""),
        "period": values.get("period", ""),
    }
    if values.get("due_date"):
        body["due_date"] = values["due_date"]
    try:
        run = await user.api.post(f"{FEES}/billing-runs", body)
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        form = FormState.from_error(exc, values, formatter(request))
        ctx = await _runs_context(user, "", form)
        return render(request, "fees/billing_runs.html", ctx, status=422, nav_key="billing-runs")
    return redirect(request, f"/fees/billing-runs/{run['id']}")


@router.get("/fees/billing-runs/{run_id}")
async def billing_run(
    request: Request, run_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    """A run's progress and totals; while it runs, htmx reloads the figures every 2 s."""
    _require(user)
    run = await user.api.get(f"{FEES}/billing-runs/{run_id}")
    props = await fee_properties(user.api)
    ctx = {"run": run, "prop": props.get(run["property_id"])}
    if request.headers.get("hx-target") == "run-figures":
        return render(request, "fees/_run_figures.html", ctx, nav_key="billing-runs")
    return render(request, "fees/billing_run.html", ctx, nav_key="billing-runs")
