from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from cleaning.hygiene import service
from cleaning.hygiene.schemas import HygieneCheckIn, HygieneCheckOut
from propops.auth import Principal, current_principal
from propops.context import ServiceContext, context_of, get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["hygiene checks"])


@router.post("/hygiene-checks", status_code=201, response_model=HygieneCheckOut)
async def record_check(
    data: HygieneCheckIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
    ctx: ServiceContext = Depends(context_of),
) -> JSONResponse:
    """Record a hygiene check of an area. A failure (notes required) raises a cleaning task
    (kind ``hygiene``) at once; the answer names it. Honours ``Idempotency-Key``."""

    async def create() -> HygieneCheckOut:
        check = await service.record(
            session, data, principal, time_zone=ctx.settings.default_time_zone
        )
        return HygieneCheckOut.model_validate(check)

    return await idempotent_create(request, session, data, create)


@router.get("/hygiene-checks", response_model=Page[HygieneCheckOut])
async def list_checks(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[HygieneCheckOut]:
    return await paginate(
        session, service.list_checks(principal, query), query.page, HygieneCheckOut.model_validate
    )


@router.get("/hygiene-checks/{check_id}", response_model=HygieneCheckOut)
async def get_check(
    check_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> HygieneCheckOut:
    return HygieneCheckOut.model_validate(await service.get_check(session, check_id, principal))
