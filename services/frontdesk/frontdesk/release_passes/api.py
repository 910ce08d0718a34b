"""Release passes at the desk: request, owner confirmation, a manager's override, issue,
cancel; the list and a pass's page (what the gate prints)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.release_passes import service
from frontdesk.release_passes.models import ReleasePass
from frontdesk.release_passes.schemas import (
    CancelPassIn,
    OverrideIn,
    OwnerConfirmationIn,
    PassStepOut,
    ReleasePassDetail,
    ReleasePassIn,
    ReleasePassOut,
)
from propops.auth import Principal, current_principal
from propops.concurrency import IfMatch, parse_if_match, set_etag
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lifecycle import guard
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["release passes"])
# a manager's decision on the desk's record (managers and admins only, not the clerks)
manager_router = APIRouter(tags=["release passes"])

ACTION_DOC = (
    "Send the pass's version last read as `If-Match` (its `ETag`): 412 if it changed "
    "meanwhile; a step its state does not allow is 409 naming the state."
)


def out(p: ReleasePass) -> ReleasePassOut:
    return ReleasePassOut.model_validate(p).model_copy(
        update={
            "expired": p.status in ("requested", "issued") and service.is_expired(p),
            "owner_confirmation_needed": service.owner_confirmation_needed(p),
            "missing": service.missing(p),
        }
    )


async def detail(session: AsyncSession, p: ReleasePass) -> ReleasePassDetail:
    return ReleasePassDetail(
        **out(p).model_dump(),
        steps=[PassStepOut.model_validate(s) for s in await service.steps(session, p.id)],
    )


@router.post("/release-passes", status_code=201, response_model=ReleasePassOut)
async def request_pass(
    data: ReleasePassIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    async def create() -> ReleasePassOut:
        return out(await service.request(session, data, principal.username, principal))

    response = await idempotent_create(request, session, data, create)
    if response.status_code < 300:
        set_etag(response, json.loads(response.body)["version"])
    return response


@router.get("/release-passes", response_model=Page[ReleasePassOut])
async def list_passes(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[ReleasePassOut]:
    return await paginate(session, service.list_query(principal, query), query.page, out)


@router.get("/release-passes/{pass_id}", response_model=ReleasePassDetail)
async def get_pass(
    pass_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ReleasePassDetail:
    p = await service.get(session, pass_id, principal)
    set_etag(response, p.version)
    return await detail(session, p)


async def _act(
    session: AsyncSession,
    pass_id: str,
    principal: Principal,
    if_match: str | None,
    response: Response,
    change: Callable[[ReleasePass], Awaitable[object]],
) -> ReleasePassDetail:
    expected = parse_if_match(if_match)
    p = await service.get(session, pass_id, principal)
    async with guard(session, p, expected, noun="release pass"):
        await change(p)
    await session.commit()
    set_etag(response, p.version)
    return await detail(session, p)


@router.post(
    "/release-passes/{pass_id}/owner-confirmation",
    response_model=ReleasePassDetail,
    description="The owner (a current owner of the unit) agrees to the release. " + ACTION_DOC,
)
async def owner_confirmation(
    pass_id: str,
    data: OwnerConfirmationIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ReleasePassDetail:
    return await _act(
        session,
        pass_id,
        principal,
        if_match,
        response,
        lambda p: service.confirm_owner(session, p, data, principal.username, principal),
    )


@manager_router.post(
    "/release-passes/{pass_id}/override",
    response_model=ReleasePassDetail,
    description="A manager lets a pass of a unit in arrears be issued; the reason is kept and "
    "shown on the pass. " + ACTION_DOC,
)
async def override(
    pass_id: str,
    data: OverrideIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ReleasePassDetail:
    return await _act(
        session,
        pass_id,
        principal,
        if_match,
        response,
        lambda p: service.override(session, p, data.reason, principal.username),
    )


@router.post(
    "/release-passes/{pass_id}/issue",
    response_model=ReleasePassDetail,
    description="409 naming what is missing (`missing`: owner_confirmation, override, "
    "valid_until). " + ACTION_DOC,
)
async def issue(
    pass_id: str,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ReleasePassDetail:
    return await _act(
        session,
        pass_id,
        principal,
        if_match,
        response,
        lambda p: service.issue(session, p, principal.username),
    )


@router.post(
    "/release-passes/{pass_id}/cancel", response_model=ReleasePassDetail, description=ACTION_DOC
)
async def cancel(
    pass_id: str,
    data: CancelPassIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ReleasePassDetail:
    return await _act(
        session,
        pass_id,
        principal,
        if_match,
        response,
        lambda p: service.cancel(session, p, data.reason, principal.username),
    )
