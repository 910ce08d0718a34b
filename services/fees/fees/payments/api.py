from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from fees.payments import service
from fees.payments.schemas import PaymentIn, PaymentOut
from propops.auth import Principal, current_principal
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["payments"])


@router.post("/payments", status_code=201, response_model=PaymentOut)
async def record_payment(
    data: PaymentIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    """Record a payment: it settles the unit's oldest open charges first; what is left over
    stays as credit. Honours ``Idempotency-Key``."""

    async def create() -> PaymentOut:
        payment = await service.record_payment(session, data, principal=principal)
        return PaymentOut.model_validate(payment)

    return await idempotent_create(request, session, data, create)


@router.get("/payments", response_model=Page[PaymentOut])
async def list_payments(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[PaymentOut]:
    stmt = service.list_payments(principal, query)
    return await paginate(session, stmt, query.page, PaymentOut.model_validate)


@router.get("/payments/{payment_id}", response_model=PaymentOut)
async def get_payment(
    payment_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> PaymentOut:
    return PaymentOut.model_validate(await service.get_payment(session, payment_id, principal))
