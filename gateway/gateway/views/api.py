from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

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
