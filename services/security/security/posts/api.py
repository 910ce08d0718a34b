from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from propops.auth import Principal, current_principal
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.pagination import Page, paginate
from security.posts import service
from security.posts.schemas import CoverageOut, PostIn, PostOut

router = APIRouter(tags=["posts"])


@router.post(
    "/posts",
    status_code=201,
    response_model=PostOut,
    responses={409: {"description": "the property has a post with that code"}},
)
async def create_post(
    data: PostIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    """A post (崗位) and the hours it must be staffed. Honours ``Idempotency-Key``."""
    default_zone = request.app.state.settings.default_time_zone

    async def create() -> PostOut:
        return PostOut.of(await service.create_post(session, data, principal, default_zone))

    return await idempotent_create(request, session, data, create)


@router.get("/posts", response_model=Page[PostOut])
async def list_posts(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[PostOut]:
    return await paginate(session, service.list_posts(principal, query), query.page, PostOut.of)


@router.get("/posts/coverage", response_model=CoverageOut)
async def coverage(
    property_id: str = Query(min_length=1, max_length=36),
    day: date | None = Query(
        default=None, alias="date", description="the day (default: today where the post is)"
    ),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> CoverageOut:
    """Every post of the property with the stretches of its hours that the roster staffs
    (and by whom) and those it leaves unstaffed, on one day."""
    return await service.property_coverage(session, property_id, day, principal)


@router.get("/posts/{post_id}", response_model=PostOut)
async def get_post(
    post_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> PostOut:
    return PostOut.of(await service.get_post(session, post_id, principal))
