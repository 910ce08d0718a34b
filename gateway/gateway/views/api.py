from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from gateway.users.service import check_principal
from gateway.views import service
from propops.auth import Principal, Unauthorized, decode_token
from propops.periods import Period, period_params

router = APIRouter(prefix="/api/views", tags=["views"])


async def signed_in(request: Request) -> Principal:
    """The caller, from their bearer token; a deactivated user is refused."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("missing bearer token")
    principal = decode_token(request.app.state.ctx.settings, token)
    await check_principal(request, principal)
    return principal


@router.get("/dashboard", summary="The manager's figures (complaints, callbacks, arrears)")
async def dashboard(
    request: Request,
    property_id: str | None = None,
    period: Period = Depends(period_params),
    principal: Principal = Depends(signed_in),
) -> dict[str, Any]:
    """Complaints per day by nature and kind, open and overdue by department, median hours from
    record to resolve, callback satisfaction 1-5, units in arrears and the total overdue.
    ``incomplete`` is true, naming the parts in ``unavailable``, when a service is down."""
    return await service.dashboard(request, principal, period, property_id)


@router.get("/units/{unit_id}", summary="A unit's page: register, people, account, complaints")
async def unit_page(
    unit_id: str, request: Request, principal: Principal = Depends(signed_in)
) -> dict[str, Any]:
    """Parts the caller's role may not read are left out (null); parts of a service that is
    down are null and named in ``unavailable``, with ``incomplete`` true."""
    return await service.unit_page(request, principal, unit_id)


@router.get("/daily-review", summary="The supervisor's daily review of a property's day")
async def daily_review(
    request: Request,
    property_id: str = Query(min_length=1, max_length=36),
    day: date = Query(alias="date", description="the local day at the property (YYYY-MM-DD)"),
    principal: Principal = Depends(signed_in),
) -> dict[str, Any]:
    """For the front desk's supervisor, managers and admins: per post and department, what was
    done that day (in the property's time zone) and what was not: handovers, complaints,
    callbacks, tasks opened and completed, patrols, post checks, inspections and
    nonconformances, staff attendance; whether the day is signed and by whom. ``incomplete``
    is true, naming the parts in ``unavailable``, when a service is down."""
    return await service.daily_review(request, principal, property_id, day)
