from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.parties import service as parties
from frontdesk.payment_status import service as payment_status
from frontdesk.register import service
from frontdesk.register.schemas import (
    PropertyIn,
    PropertyOut,
    PropertyPatch,
    UnitDetail,
    UnitIn,
    UnitOut,
    UnitPatch,
)
from propops.auth import Principal, current_principal
from propops.concurrency import IfMatch, etag, parse_if_match
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["register"])


@router.post("/properties", status_code=201, response_model=PropertyOut)
async def create_property(
    data: PropertyIn, request: Request, session: AsyncSession = Depends(get_session)
) -> JSONResponse:
    zone = request.app.state.settings.default_time_zone

    async def create() -> PropertyOut:
        return PropertyOut.model_validate(await service.create_property(session, data, zone))

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
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> PropertyOut:
    prop = await service.get_property(session, property_id, principal)
    response.headers["ETag"] = etag(prop.version)
    return PropertyOut.model_validate(prop)


@router.patch(
    "/properties/{property_id}",
    response_model=PropertyOut,
    responses={412: {"description": "If-Match names a version that is no longer current"}},
)
async def update_property(
    property_id: str,
    data: PropertyPatch,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> PropertyOut:
    """Correct a property's name or time zone. Send ``If-Match`` with the ETag read."""
    prop = await service.update_property(
        session, property_id, data, principal, parse_if_match(if_match)
    )
    out = PropertyOut.model_validate(prop)
    await session.commit()
    response.headers["ETag"] = etag(out.version)
    return out


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


@router.patch(
    "/units/{unit_id}",
    response_model=UnitOut,
    responses={412: {"description": "If-Match names a version that is no longer current"}},
)
async def update_unit(
    unit_id: str,
    data: UnitPatch,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> UnitOut:
    """Correct a unit's building, number, floor or area. Send ``If-Match`` with the ETag read."""
    unit = await service.update_unit(session, unit_id, data, principal, parse_if_match(if_match))
    out = UnitOut.model_validate(unit)
    await session.commit()
    response.headers["ETag"] = etag(out.version)
    return out


@router.get("/units/{unit_id}", response_model=UnitDetail)
async def get_unit(
    unit_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> UnitDetail:
    unit = await service.get_unit(session, unit_id, principal)
    response.headers["ETag"] = etag(unit.version)
    holders = await parties.occupants_now(session, unit.id)
    return UnitDetail(
        **UnitOut.model_validate(unit).model_dump(),
        owners=[h for h in holders if h.role == "owner"],
        occupants=[h for h in holders if h.role != "owner"],
        payment_status=await payment_status.of_unit(session, unit.id),
    )
