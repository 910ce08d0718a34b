from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.parties import service as parties
from frontdesk.payment_status import service as payment_status
from frontdesk.register import service
from frontdesk.register.schemas import PropertyIn, PropertyOut, UnitDetail, UnitIn, UnitOut
from propops.auth import Principal, current_principal
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["register"])


@router.post("/properties", status_code=201, response_model=PropertyOut)
async def create_property(
    data: PropertyIn, request: Request, session: AsyncSession = Depends(get_session)
) -> JSONResponse:
    async def create() -> PropertyOut:
        return PropertyOut.model_validate(await service.create_property(session, data))

    return await idempotent_create(request, session, data, create)


@router.get("/properties", response_model=Page[PropertyOut])
async def list_properties(
    query: ListQuery = Depends(service.PROPERTIES.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[PropertyOut]:
    stmt = service.list_properties(principal, query)
    return await paginate(session, stmt, query.page, PropertyOut.model_validate)


@router.get("/properties/{property_id}", response_model=PropertyOut)
async def get_property(
    property_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> PropertyOut:
    return PropertyOut.model_validate(await service.get_property(session, property_id, principal))


@router.post("/units", status_code=201, response_model=UnitOut)
async def register_unit(
    data: UnitIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:

    async def create() -> UnitOut:
        return UnitOut.model_validate(await service.register_unit(session, data, principal))

    return await idempotent_create(request, session, data, create)


@router.get("/units", response_model=Page[UnitOut])
async def list_units(
    query: ListQuery = Depends(service.UNITS.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[UnitOut]:
    stmt = service.list_units(principal, query)
    return await paginate(session, stmt, query.page, UnitOut.model_validate)


@router.get("/units/{unit_id}", response_model=UnitDetail)
async def get_unit(
    unit_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> UnitDetail:
    unit = await service.get_unit(session, unit_id, principal)
    holders = await parties.occupants_now(session, unit.id)
    return UnitDetail(
        **UnitOut.model_validate(unit).model_dump(),
        owners=[h for h in holders if h.role == "owner"],
        occupants=[h for h in holders if h.role != "owner"],
        payment_status=await payment_status.of_unit(session, unit.id),
    )
