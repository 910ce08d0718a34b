from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.followups import service
from frontdesk.followups.schemas import FollowUpOut, ResolveIn
from propops.auth import Principal, current_principal
from propops.concurrency import IfMatch, parse_if_match, set_etag
from propops.context import get_session
from propops.lifecycle import guard
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["follow-ups"])


@router.get("/follow-ups", response_model=Page[FollowUpOut])
async def list_follow_ups(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[FollowUpOut]:
    stmt = service.list_query(principal, query)
    return await paginate(session, stmt, query.page, FollowUpOut.model_validate)


@router.get("/follow-ups/{follow_up_id}", response_model=FollowUpOut)
async def get_follow_up(
    follow_up_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> FollowUpOut:
    follow_up = await service.get(session, follow_up_id, principal)
    set_etag(response, follow_up.version)
    return FollowUpOut.model_validate(follow_up)


@router.post(
    "/follow-ups/{follow_up_id}/resolve",
    response_model=FollowUpOut,
    description="Send the version last read as `If-Match`: 412 if it changed meanwhile.",
)
async def resolve(
    follow_up_id: str,
    data: ResolveIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> FollowUpOut:
    expected = parse_if_match(if_match)
    follow_up = await service.get(session, follow_up_id, principal)
    async with guard(session, follow_up, expected, noun="follow-up"):
        await service.resolve(session, follow_up, data.resolution, principal.username)
    await session.commit()
    set_etag(response, follow_up.version)
    return FollowUpOut.model_validate(follow_up)
