from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from cleaning.areas import service
from cleaning.areas.schemas import AreaIn, AreaOut
from propops.auth import Principal, current_principal
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["areas"])


@router.post(
    "/areas",
    status_code=201,
    response_model=AreaOut,
    responses={409: {"description": "the property already has an area with this code"}},
)
async def register_area(
    data: AreaIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    """Register an area of a property (lobby, corridor, stairs, ...). Honours
    ``Idempotency-Key``."""

    async def create() -> AreaOut:
        return AreaOut.model_validate(await service.register(session, data, principal))

    return await idempotent_create(request, session, data, create)


@router.get("/areas", response_model=Page[AreaOut])
async def list_areas(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[AreaOut]:
    return await paginate(
        session, service.list_areas(principal, query), query.page, AreaOut.model_validate
    )


@router.get("/areas/{area_id}", response_model=AreaOut)
async def get_area(
    area_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> AreaOut:
    return AreaOut.model_validate(await service.get_area(session, area_id, principal))
