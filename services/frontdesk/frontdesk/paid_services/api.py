"""Routes of paid services: the price list (``/v1/paid-service-items``) and the quotes and jobs
(``/v1/paid-services``). Actions take the version last read as ``If-Match`` (412 if it moved
on; a wrong state is 409) and answer the new one as the ``ETag``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.paid_services import service
from frontdesk.paid_services.models import PaidService
from frontdesk.paid_services.schemas import (
    CancelIn,
    ItemIn,
    ItemOut,
    ItemPatch,
    PaidServiceDetail,
    PaidServiceIn,
    PaidServiceOut,
    SignOffIn,
    StepOut,
)
from frontdesk.settings import FrontdeskSettings
from propops.auth import Principal, current_principal
from propops.concurrency import IfMatch, expected_version, set_etag
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lifecycle import guard
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["paid services"])


# --- the price list ------------------------------------------------------------------------------


@router.post("/paid-service-items", status_code=201, response_model=ItemOut)
async def add_item(
    data: ItemIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    async def create() -> ItemOut:
        return ItemOut.model_validate(await service.add_item(session, data, principal))

    return await idempotent_create(request, session, data, create)


@router.get("/paid-service-items", response_model=Page[ItemOut])
async def list_items(
    query: ListQuery = Depends(service.ITEMS.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[ItemOut]:
    stmt = service.list_items(principal, query)
    return await paginate(session, stmt, query.page, ItemOut.model_validate)


@router.patch("/paid-service-items/{item_id}", response_model=ItemOut)
async def change_item(
    item_id: str,
    data: ItemPatch,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ItemOut:
    item = await service.get_item(session, item_id, principal)
    async with guard(session, item, expected_version(None, if_match), noun="price list item"):
        service.change_item(item, data)
    await session.commit()
    set_etag(response, item.version)
    return ItemOut.model_validate(item)


# --- quotes and jobs -----------------------------------------------------------------------------


@router.post(
    "/paid-services",
    status_code=201,
    response_model=PaidServiceOut,
    summary="Quote a paid service",
    description="Prices the lines from the property's price list; the party must own, rent or "
    "live in the unit.",
)
async def quote(
    data: PaidServiceIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    async def create() -> PaidServiceOut:
        return PaidServiceOut.model_validate(await service.quote(session, data, principal))

    return await idempotent_create(request, session, data, create)


@router.get("/paid-services", response_model=Page[PaidServiceOut])
async def list_paid_services(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[PaidServiceOut]:
    stmt = service.list_query(principal, query)
    return await paginate(session, stmt, query.page, PaidServiceOut.model_validate)


@router.get("/paid-services/{paid_service_id}", response_model=PaidServiceDetail)
async def get_paid_service(
    paid_service_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> PaidServiceDetail:
    paid = await service.get(session, paid_service_id, principal)
    steps = await service.history(session, paid.id)
    set_etag(response, paid.version)
    return PaidServiceDetail(
        **PaidServiceOut.model_validate(paid).model_dump(),
        history=[StepOut.model_validate(s) for s in steps],
    )


async def _act(
    session: AsyncSession,
    paid_service_id: str,
    principal: Principal,
    if_match: str | None,
    response: Response,
    change: Callable[[PaidService], Awaitable[object]],
) -> PaidServiceOut:
    paid = await service.get(session, paid_service_id, principal)
    async with guard(session, paid, expected_version(None, if_match), noun="paid service"):
        await change(paid)
    await session.commit()
    set_etag(response, paid.version)
    return PaidServiceOut.model_validate(paid)


@router.post(
    "/paid-services/{paid_service_id}/accept",
    response_model=PaidServiceOut,
    summary="The resident accepts the quote",
    description="Engineering makes a work order of kind paid_service (by event).",
)
async def accept(
    paid_service_id: str,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> PaidServiceOut:
    return await _act(
        session,
        paid_service_id,
        principal,
        if_match,
        response,
        lambda paid: service.accept(session, paid, principal.username),
    )


@router.post(
    "/paid-services/{paid_service_id}/cancel",
    response_model=PaidServiceOut,
    summary="Cancel before the work is completed",
    description="An accepted one's work order is cancelled by event.",
)
async def cancel(
    paid_service_id: str,
    data: CancelIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> PaidServiceOut:
    return await _act(
        session,
        paid_service_id,
        principal,
        if_match,
        response,
        lambda paid: service.cancel(session, paid, principal.username, data.reason),
    )


@router.post(
    "/paid-services/{paid_service_id}/sign-off",
    response_model=PaidServiceOut,
    summary="The resident signs for the completed work",
    description="Fees charges the quoted total to the unit's account, exactly once (by "
    "event), and a callback is opened.",
)
async def sign_off(
    paid_service_id: str,
    data: SignOffIn,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> PaidServiceOut:
    settings: FrontdeskSettings = request.app.state.settings
    return await _act(
        session,
        paid_service_id,
        principal,
        if_match,
        response,
        lambda paid: service.sign_off(session, settings, paid, data, principal.username),
    )
