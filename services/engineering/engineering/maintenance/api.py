from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from engineering.maintenance import service
from engineering.maintenance.schemas import PlanIn, PlanOut
from propops.auth import Principal, current_principal
from propops.context import ServiceContext, context_of, get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.pagination import Page, paginate
from propops.tasks.schemas import TaskOut

router = APIRouter(tags=["maintenance"])


@router.post("/maintenance-plans", status_code=201, response_model=PlanOut)
async def create_plan(
    data: PlanIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
    ctx: ServiceContext = Depends(context_of),
) -> JSONResponse:
    """A recurring service of one item: each occurrence of ``rrule`` (RFC 5545, daily at most)
    becomes one preventive work order ``lead_days`` before it is due. Honours
    ``Idempotency-Key``."""

    async def create() -> PlanOut:
        plan = await service.create_plan(session, data, principal, ctx.settings.default_time_zone)
        return PlanOut.model_validate(plan)

    return await idempotent_create(request, session, data, create)


@router.get("/maintenance-plans", response_model=Page[PlanOut])
async def list_plans(
    query: ListQuery = Depends(service.PLANS.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[PlanOut]:
    stmt = service.list_plans(principal, query)
    return await paginate(session, stmt, query.page, PlanOut.model_validate)


@router.get("/maintenance/overdue", response_model=Page[TaskOut])
async def overdue(
    query: ListQuery = Depends(service.OVERDUE.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[TaskOut]:
    """Preventive work orders past due and not completed or cancelled, most overdue first."""
    stmt = service.overdue_query(principal, query)
    return await paginate(session, stmt, query.page, TaskOut.model_validate)
