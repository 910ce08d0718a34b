"""Routes of nonconformances: the list, one with its history, the desk's rectification of its
own items, and the follow-up check."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.nonconformances import service
from frontdesk.nonconformances.schemas import (
    NonconformanceDetail,
    NonconformanceOut,
    RectifyIn,
    StepOut,
    VerifyIn,
)
from frontdesk.settings import FrontdeskSettings
from propops.auth import Principal, current_principal
from propops.concurrency import IfMatch, expected_version, set_etag
from propops.context import get_session
from propops.lifecycle import guard
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["nonconformances"])


@router.get("/nonconformances", response_model=Page[NonconformanceOut])
async def list_nonconformances(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[NonconformanceOut]:
    return await paginate(
        session, service.list_query(principal, query), query.page, NonconformanceOut.of
    )


async def _detail(session: AsyncSession, nc: object) -> NonconformanceDetail:
    out = NonconformanceOut.of(nc)
    lines = await service.steps(session, out.id)
    return NonconformanceDetail(
        **out.model_dump(), history=[StepOut.model_validate(s) for s in lines]
    )


@router.get("/nonconformances/{nonconformance_id}", response_model=NonconformanceDetail)
async def get_nonconformance(
    nonconformance_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> NonconformanceDetail:
    nc = await service.get(session, nonconformance_id, principal)
    set_etag(response, nc.version)
    return await _detail(session, nc)


@router.post("/nonconformances/{nonconformance_id}/rectify", response_model=NonconformanceDetail)
async def rectify_nonconformance(
    nonconformance_id: str,
    data: RectifyIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> NonconformanceDetail:
    """The desk put right one of its own items (no department task, e.g. the notice boards):
    rectified, the follow-up check is due. A department's nonconformance is rectified by
    completing its task: 409 naming ``task_department``."""
    nc = await service.get(session, nonconformance_id, principal)
    async with guard(session, nc, expected_version(data.version, if_match), noun="nonconformance"):
        await service.rectify(session, nc, notes=data.notes, actor=principal.username)
    await session.commit()
    set_etag(response, nc.version)
    return await _detail(session, nc)


@router.post("/nonconformances/{nonconformance_id}/verify", response_model=NonconformanceDetail)
async def verify_nonconformance(
    nonconformance_id: str,
    data: VerifyIn,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> NonconformanceDetail:
    """The follow-up check (跟蹤檢查) of a rectified nonconformance: passed closes it; failed
    sends it back open and reopens the department's task."""
    settings: FrontdeskSettings = request.app.state.settings
    nc = await service.get(session, nonconformance_id, principal)
    async with guard(session, nc, expected_version(data.version, if_match), noun="nonconformance"):
        await service.verify(
            session, settings, nc, passed=data.passed, note=data.note, actor=principal.username
        )
    await session.commit()
    set_etag(response, nc.version)
    return await _detail(session, nc)
