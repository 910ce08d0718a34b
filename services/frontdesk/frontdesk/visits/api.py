"""Visitors at the desk: register, confirm identity, arrived, left, cancel; the list."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.visits import service
from frontdesk.visits.models import Visit
from frontdesk.visits.schemas import (
    ConfirmVisitorIn,
    VisitDetail,
    VisitIn,
    VisitNoteIn,
    VisitOut,
    VisitStepOut,
)
from propops.auth import Principal, current_principal
from propops.concurrency import IfMatch, parse_if_match, set_etag
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lifecycle import guard
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["visits"])

ACTION_DOC = (
    "Send the visit's version last read as `If-Match` (its `ETag`): 412 if it changed "
    "meanwhile; a step its state does not allow is 409 naming the state."
)


def out(visit: Visit, principal: Principal) -> VisitOut:
    return VisitOut.model_validate(visit).masked_for(principal.roles)


async def detail(session: AsyncSession, visit: Visit, principal: Principal) -> VisitDetail:
    return VisitDetail(
        **out(visit, principal).model_dump(),
        steps=[VisitStepOut.model_validate(s) for s in await service.steps(session, visit.id)],
    )


@router.post("/visits", status_code=201, response_model=VisitOut)
async def register(
    data: VisitIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    async def create() -> VisitOut:
        return out(await service.register(session, data, principal.username, principal), principal)

    response = await idempotent_create(request, session, data, create)
    if response.status_code < 300:
        set_etag(response, json.loads(response.body)["version"])
    return response


@router.get("/visits", response_model=Page[VisitOut])
async def list_visits(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[VisitOut]:
    return await paginate(
        session, service.list_query(principal, query), query.page, lambda v: out(v, principal)
    )


@router.get("/visits/{visit_id}", response_model=VisitDetail)
async def get_visit(
    visit_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> VisitDetail:
    visit = await service.get(session, visit_id, principal)
    set_etag(response, visit.version)
    return await detail(session, visit, principal)


async def _act(
    session: AsyncSession,
    visit_id: str,
    principal: Principal,
    if_match: str | None,
    response: Response,
    change: Callable[[Visit], Awaitable[object]],
) -> VisitDetail:
    expected = parse_if_match(if_match)
    visit = await service.get(session, visit_id, principal)
    async with guard(session, visit, expected, noun="visit"):
        await change(visit)
    await session.commit()
    set_etag(response, visit.version)
    return await detail(session, visit, principal)


@router.post(
    "/visits/{visit_id}/confirm-identity", response_model=VisitDetail, description=ACTION_DOC
)
async def confirm_identity(
    visit_id: str,
    data: ConfirmVisitorIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> VisitDetail:
    return await _act(
        session,
        visit_id,
        principal,
        if_match,
        response,
        lambda v: service.confirm_identity(session, v, data, principal.username),
    )


@router.post("/visits/{visit_id}/arrived", response_model=VisitDetail, description=ACTION_DOC)
async def arrived(
    visit_id: str,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> VisitDetail:
    return await _act(
        session,
        visit_id,
        principal,
        if_match,
        response,
        lambda v: service.arrive(session, v, principal.username),
    )


@router.post("/visits/{visit_id}/left", response_model=VisitDetail, description=ACTION_DOC)
async def left(
    visit_id: str,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> VisitDetail:
    return await _act(
        session,
        visit_id,
        principal,
        if_match,
        response,
        lambda v: service.leave(session, v, principal.username),
    )


@router.post("/visits/{visit_id}/cancel", response_model=VisitDetail, description=ACTION_DOC)
async def cancel(
    visit_id: str,
    data: VisitNoteIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> VisitDetail:
    return await _act(
        session,
        visit_id,
        principal,
        if_match,
        response,
        lambda v: service.cancel(session, v, principal.username, data.note),
    )
