from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.parties import service as parties
from frontdesk.payment_status import service as payment_status
from frontdesk.register import service
from frontdesk.register.schemas import PropertyIn, PropertyOut, UnitDetail, UnitIn, UnitOut
from propops.auth import Principal, current_principal
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.pagination import Page, PageParams, page_params, paginate

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
    code: str | None = None,
    page: PageParams = Depends(page_params),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[PropertyOut]:
    return await paginate(
        session, service.list_properties(principal, code), page, PropertyOut.model_validate
    )


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
    property_id: str | None = None,
    building: str | None = None,
    floor: int | None = Query(None),
    page: PageParams = Depends(page_params),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[UnitOut]:
    stmt = service.list_units(principal, property_id=property_id, building=building, floor=floor)
    return await paginate(session, stmt, page, UnitOut.model_validate)


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
