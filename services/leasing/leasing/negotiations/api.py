from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from leasing.actions import ACTION_DOC, run_action
from leasing.negotiations import service
from leasing.negotiations.schemas import (
    AgreeIn,
    NegotiationDetail,
    NegotiationIn,
    NegotiationOut,
    OfferIn,
)
from leasing.text import ReasonIn
from propops.auth import Principal, current_principal
from propops.concurrency import IfMatch, set_etag
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["negotiations"])


async def _detail(
    session: AsyncSession, negotiation_id: str, principal: Principal
) -> NegotiationDetail:
    n = await service.get(session, negotiation_id, principal)
    return NegotiationDetail.with_steps(n, await service.steps(session, n.id))


@router.post("/negotiations", status_code=201, response_model=NegotiationOut)
async def open_negotiation(
    data: NegotiationIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    """Open a negotiation of a space with a prospective tenant (stage ``open``); the proposed
    rent is its first offer. Honours ``Idempotency-Key``."""

    async def create() -> NegotiationOut:
        return NegotiationOut.of(await service.open_negotiation(session, data, principal))

    return await idempotent_create(request, session, data, create)


@router.get("/negotiations", response_model=Page[NegotiationOut])
async def list_negotiations(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[NegotiationOut]:
    return await paginate(
        session, service.list_negotiations(principal, query), query.page, NegotiationOut.of
    )


@router.get("/negotiations/{negotiation_id}", response_model=NegotiationDetail)
async def get_negotiation(
    negotiation_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> NegotiationDetail:
    detail = await _detail(session, negotiation_id, principal)
    set_etag(response, detail.version)
    return detail


@router.post(
    "/negotiations/{negotiation_id}/offers",
    status_code=201,
    response_model=NegotiationDetail,
    description="An offer of either side while the negotiation is open. " + ACTION_DOC,
)
async def make_offer(
    negotiation_id: str,
    data: OfferIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> NegotiationDetail:
    n = await service.get(session, negotiation_id, principal)
    await run_action(
        session,
        n,
        noun="negotiation",
        response=response,
        if_match=if_match,
        body_version=data.version,
        change=lambda: service.offer(session, n, data, principal.username),
    )
    return NegotiationDetail.with_steps(n, await service.steps(session, n.id))


@router.post(
    "/negotiations/{negotiation_id}/agree",
    response_model=NegotiationOut,
    description="The stage becomes agreed at the rent given (or the latest offer's). " + ACTION_DOC,
)
async def agree(
    negotiation_id: str,
    data: AgreeIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> NegotiationOut:
    n = await service.get(session, negotiation_id, principal)
    await run_action(
        session,
        n,
        noun="negotiation",
        response=response,
        if_match=if_match,
        body_version=data.version,
        change=lambda: service.agree(session, n, data, principal.username),
    )
    return NegotiationOut.of(n)


@router.post(
    "/negotiations/{negotiation_id}/lose",
    response_model=NegotiationOut,
    description="The negotiation ended without agreement (a reason is required). " + ACTION_DOC,
)
async def lose(
    negotiation_id: str,
    data: ReasonIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> NegotiationOut:
    n = await service.get(session, negotiation_id, principal)
    await run_action(
        session,
        n,
        noun="negotiation",
        response=response,
        if_match=if_match,
        body_version=data.version,
        change=lambda: service.lose(session, n, data.reason, principal.username),
    )
    return NegotiationOut.of(n)
