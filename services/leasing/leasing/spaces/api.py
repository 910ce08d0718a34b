from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from leasing.spaces import service
from leasing.spaces.schemas import SpaceIn, SpaceOut
from propops.auth import Principal, current_principal
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["spaces"])


@router.post(
    "/spaces",
    status_code=201,
    response_model=SpaceOut,
    responses={409: {"description": "the property has a space of this code already"}},
)
async def create_space(
    data: SpaceIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    """Register an ad space, warehouse or venue. Honours ``Idempotency-Key``."""
    zone = request.app.state.settings.default_time_zone

    async def create() -> SpaceOut:
        return SpaceOut.model_validate(await service.create_space(session, data, principal, zone))

    return await idempotent_create(request, session, data, create)


@router.get("/spaces", response_model=Page[SpaceOut])
async def list_spaces(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[SpaceOut]:
    return await paginate(
        session, service.list_spaces(principal, query), query.page, SpaceOut.model_validate
    )


@router.get("/spaces/{space_id}", response_model=SpaceOut)
async def get_space(
    space_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> SpaceOut:
    return SpaceOut.model_validate(await service.get_space(session, space_id, principal))
