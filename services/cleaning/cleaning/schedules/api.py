from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from cleaning.schedules import service
from cleaning.schedules.schemas import ScheduleIn, ScheduleOut
from propops.auth import Principal, current_principal
from propops.context import ServiceContext, context_of, get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["schedules"])


@router.post("/schedules", status_code=201, response_model=ScheduleOut)
async def create_schedule(
    data: ScheduleIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
    ctx: ServiceContext = Depends(context_of),
) -> JSONResponse:
    """A cleaning schedule: on each day its rule occurs, from ``starts_on``, the area gets one
    cleaning task (kind ``scheduled``), made by the schedules job. Honours
    ``Idempotency-Key``."""

    async def create() -> ScheduleOut:
        schedule = await service.create(
            session, data, principal, time_zone=ctx.settings.default_time_zone
        )
        return ScheduleOut.model_validate(schedule)

    return await idempotent_create(request, session, data, create)


@router.get("/schedules", response_model=Page[ScheduleOut])
async def list_schedules(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[ScheduleOut]:
    return await paginate(
        session, service.list_schedules(principal, query), query.page, ScheduleOut.model_validate
    )


@router.get("/schedules/{schedule_id}", response_model=ScheduleOut)
async def get_schedule(
    schedule_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ScheduleOut:
    return ScheduleOut.model_validate(await service.get_schedule(session, schedule_id, principal))
