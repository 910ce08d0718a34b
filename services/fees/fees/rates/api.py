from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from fees.rates import service
from fees.rates.schemas import FeeRateIn, FeeRateOut
from propops.auth import Principal, current_principal
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["fee rates"])


@router.post(
    "/fee-rates",
    status_code=201,
    response_model=FeeRateOut,
    responses={409: {"description": "the property already has a rate from that day"}},
)
async def add_rate(
    data: FeeRateIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    """A property's management-fee rate from a day on (the earlier ones stay as history).
    Honours ``Idempotency-Key``."""

    async def create() -> FeeRateOut:
        return FeeRateOut.model_validate(await service.add_rate(session, data, principal))

    return await idempotent_create(request, session, data, create)


@router.get("/fee-rates", response_model=Page[FeeRateOut])
async def list_rates(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[FeeRateOut]:
    """The rate history, newest first."""
    stmt = service.list_rates(principal, query)
    return await paginate(session, stmt, query.page, FeeRateOut.model_validate)


@router.get("/fee-rates/{rate_id}", response_model=FeeRateOut)
async def get_rate(
    rate_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> FeeRateOut:
    return FeeRateOut.model_validate(await service.get_rate(session, rate_id, principal))
