from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from fees.charges import service
from fees.charges.models import Charge, ChargeKind
from fees.charges.schemas import ChargeIn, ChargeOut, ChargeStatusFilter
from fees.status.service import today_utc
from propops.auth import Principal, current_principal
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.pagination import Page, PageParams, page_params, paginate

router = APIRouter(tags=["charges"])


@router.post("/charges", status_code=201, response_model=ChargeOut)
async def post_charge(
    data: ChargeIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    """Charge a unit (management fee, rent, paid service, ...). Any credit the unit has pays
    it at once. Honours ``Idempotency-Key``."""

    async def create() -> ChargeOut:
        charge = await service.post_charge(session, data, principal=principal)
        return ChargeOut.of(charge, today_utc())

    return await idempotent_create(request, session, data, create)


@router.get("/charges", response_model=Page[ChargeOut])
async def list_charges(
    unit_id: str | None = None,
    property_id: str | None = None,
    status: ChargeStatusFilter | None = Query(None),
    kind: ChargeKind | None = Query(None),
    page: PageParams = Depends(page_params),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[ChargeOut]:
    today = today_utc()
    stmt = service.list_charges(
        principal, today=today, unit_id=unit_id, property_id=property_id, status=status, kind=kind
    )

    def item(charge: Charge) -> ChargeOut:
        return ChargeOut.of(charge, today)

    return await paginate(session, stmt, page, item)


@router.get("/charges/{charge_id}", response_model=ChargeOut)
async def get_charge(
    charge_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ChargeOut:
    return ChargeOut.of(await service.get_charge(session, charge_id, principal), today_utc())
