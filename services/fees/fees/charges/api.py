from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from fees.charges import service
from fees.charges.models import Charge
from fees.charges.schemas import ChargeIn, ChargeOut, VoidIn
from propops.auth import Principal, current_principal
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.pagination import Page, paginate

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
        return ChargeOut.of(charge)

    return await idempotent_create(request, session, data, create)


@router.get("/charges", response_model=Page[ChargeOut])
async def list_charges(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[ChargeOut]:
    def item(charge: Charge) -> ChargeOut:
        return ChargeOut.of(charge)  # overdue as of today where the unit is

    return await paginate(session, service.list_charges(principal, query), query.page, item)


@router.get("/charges/{charge_id}", response_model=ChargeOut)
async def get_charge(
    charge_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ChargeOut:
    return ChargeOut.of(await service.get_charge(session, charge_id, principal))


@router.post(
    "/charges/{charge_id}/void",
    response_model=ChargeOut,
    responses={409: {"description": "the charge is voided already"}},
)
async def void_charge(
    charge_id: str,
    data: VoidIn,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ChargeOut:
    """Void a charge with a reason: it stays in the history (status ``voided``), leaves the
    balance and the payment status; what was paid on it becomes credit."""
    charge = await service.void_charge(session, charge_id, data.reason, principal=principal)
    out = ChargeOut.of(charge)
    await session.commit()
    return out
