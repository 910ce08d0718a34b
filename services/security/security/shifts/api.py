from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from propops.auth import Principal, current_principal
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.pagination import Page, paginate
from security.shifts import service
from security.shifts.schemas import ShiftIn, ShiftOut

router = APIRouter(tags=["shifts"])


@router.post(
    "/shifts",
    status_code=201,
    response_model=ShiftOut,
    responses={409: {"description": "the guard is on another shift at that time"}},
)
async def create_shift(
    data: ShiftIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    """Put a guard on the roster at a post. A guard cannot be on two shifts at once (409
    naming the clash). Honours ``Idempotency-Key``."""

    async def create() -> ShiftOut:
        return ShiftOut.of(await service.create_shift(session, data, principal))

    return await idempotent_create(request, session, data, create)


@router.get("/shifts", response_model=Page[ShiftOut])
async def list_shifts(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[ShiftOut]:
    return await paginate(session, service.list_shifts(principal, query), query.page, ShiftOut.of)


@router.delete("/shifts/{shift_id}", status_code=204, response_class=Response)
async def delete_shift(
    shift_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """Take a shift off the roster."""
    await service.delete_shift(session, shift_id, principal)
    await session.commit()
    return Response(status_code=204)
