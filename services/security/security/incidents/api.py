from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from propops.auth import Principal, current_principal
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.pagination import Page, paginate
from security.incidents import service
from security.incidents.schemas import IncidentIn, IncidentOut

router = APIRouter(tags=["incidents"])


@router.post("/incidents", status_code=201, response_model=IncidentOut)
async def report(
    data: IncidentIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    """Report an incident; publishes ``propops.security.incident.reported.v1`` (the front desk
    lists the high and critical ones). Honours ``Idempotency-Key``."""
    default_zone = request.app.state.settings.default_time_zone

    async def create() -> IncidentOut:
        return IncidentOut.of(await service.report(session, data, principal, default_zone))

    return await idempotent_create(request, session, data, create)


@router.get("/incidents", response_model=Page[IncidentOut])
async def list_incidents(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[IncidentOut]:
    return await paginate(
        session, service.list_incidents(principal, query), query.page, IncidentOut.of
    )


@router.get("/incidents/{incident_id}", response_model=IncidentOut)
async def get_incident(
    incident_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> IncidentOut:
    return IncidentOut.of(await service.get_incident(session, incident_id, principal))
