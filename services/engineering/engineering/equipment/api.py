from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from engineering.equipment import service
from engineering.equipment.schemas import (
    EquipmentDetail,
    EquipmentIn,
    EquipmentOut,
    ServiceRecordOut,
)
from engineering.maintenance.schemas import PlanOut
from engineering.maintenance.service import plans_of
from propops.auth import Principal, current_principal
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.pagination import Page, paginate
from propops.tasks.schemas import TaskOut

router = APIRouter(tags=["equipment"])


@router.post(
    "/equipment",
    status_code=201,
    response_model=EquipmentOut,
    responses={409: {"description": "the code is taken in this property"}},
)
async def register(
    data: EquipmentIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    """Register an item of equipment (its code is unique in the property). Honours
    ``Idempotency-Key``."""

    async def create() -> EquipmentOut:
        return EquipmentOut.model_validate(await service.register(session, data, principal))

    return await idempotent_create(request, session, data, create)


@router.get("/equipment", response_model=Page[EquipmentOut])
async def list_equipment(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[EquipmentOut]:
    stmt = service.list_query(principal, query)
    return await paginate(session, stmt, query.page, EquipmentOut.model_validate)


@router.get("/equipment/{equipment_id}", response_model=EquipmentDetail)
async def get_equipment(
    equipment_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> EquipmentDetail:
    """One item with its work orders (newest first), service log and maintenance plans."""
    item = await service.get(session, equipment_id, principal)
    return EquipmentDetail(
        **EquipmentOut.model_validate(item).model_dump(),
        work_orders=[
            TaskOut.model_validate(t) for t in await service.work_orders(session, item.id)
        ],
        service_log=[
            ServiceRecordOut.model_validate(r) for r in await service.service_log(session, item.id)
        ],
        plans=[PlanOut.model_validate(p) for p in await plans_of(session, item.id)],
    )
