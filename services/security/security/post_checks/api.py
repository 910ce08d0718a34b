from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from propops.auth import Principal, current_principal
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.pagination import Page, paginate
from security.post_checks import service
from security.post_checks.schemas import PostCheckIn, PostCheckOut

router = APIRouter(tags=["post checks"])


@router.post("/post-checks", status_code=201, response_model=PostCheckOut)
async def record_check(
    data: PostCheckIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    """Record a post check (查崗). A failing one (absent, not dressed, not alert) publishes
    ``propops.security.post_check.failed.v1``. Honours ``Idempotency-Key``."""

    async def create() -> PostCheckOut:
        return PostCheckOut.of(await service.record_check(session, data, principal))

    return await idempotent_create(request, session, data, create)


@router.get("/post-checks", response_model=Page[PostCheckOut])
async def list_checks(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[PostCheckOut]:
    return await paginate(
        session, service.list_checks(principal, query), query.page, PostCheckOut.of
    )


@router.get("/post-checks/{check_id}", response_model=PostCheckOut)
async def get_check(
    check_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> PostCheckOut:
    return PostCheckOut.of(await service.get_check(session, check_id, principal))
