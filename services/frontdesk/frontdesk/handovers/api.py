from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.handovers import service
from frontdesk.handovers.schemas import AcknowledgeIn, CarryOverOut, HandoverIn, HandoverOut
from propops.auth import Principal, current_principal
from propops.concurrency import IfMatch, parse_if_match, set_etag
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lifecycle import guard
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["handovers"])


@router.post(
    "/handovers",
    status_code=201,
    response_model=HandoverOut,
    description="By the outgoing receptionist (the caller is the writer).",
)
async def write(
    data: HandoverIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    async def create() -> HandoverOut:
        return HandoverOut.model_validate(await service.write(session, data, principal))

    return await idempotent_create(request, session, data, create)


@router.get("/handovers", response_model=Page[HandoverOut])
async def list_handovers(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[HandoverOut]:
    stmt = service.list_query(principal, query)
    return await paginate(session, stmt, query.page, HandoverOut.model_validate)


@router.get(
    "/handovers/carry-over",
    response_model=CarryOverOut,
    description="What the next handover of a post starts from: the last one's open items.",
)
async def carry_over(
    property_id: str = Query(min_length=1, max_length=36),
    post: str = Query(min_length=1, max_length=60),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> CarryOverOut:
    return await service.carry_over(session, property_id, post, principal)


@router.get("/handovers/{handover_id}", response_model=HandoverOut)
async def get_handover(
    handover_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> HandoverOut:
    handover = await service.get(session, handover_id, principal)
    set_etag(response, handover.version)
    return HandoverOut.model_validate(handover)


@router.post(
    "/handovers/{handover_id}/acknowledge",
    response_model=HandoverOut,
    description="By the successor: another user than the writer (403 for the writer). Send "
    "the version last read as `If-Match`: 412 if it changed meanwhile.",
)
async def acknowledge(
    handover_id: str,
    data: AcknowledgeIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> HandoverOut:
    expected = parse_if_match(if_match)
    handover = await service.get(session, handover_id, principal)
    async with guard(session, handover, expected, noun="handover"):
        await service.acknowledge(session, handover, data.note, principal.username)
    await session.commit()
    set_etag(response, handover.version)
    return HandoverOut.model_validate(handover)
