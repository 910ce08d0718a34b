from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.daily_reviews import service
from frontdesk.daily_reviews.schemas import DailyReviewIn, DailyReviewOut
from propops.auth import Principal, current_principal
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["daily-reviews"])
# signing: the desk's supervisor or a manager (``propops.supervisor``)
supervisor_router = APIRouter(tags=["daily-reviews"])


@supervisor_router.post(
    "/daily-reviews",
    status_code=201,
    response_model=DailyReviewOut,
    description="The desk's supervisor or a manager signs a property's day (the caller signs; "
    "403 for anyone else): once per property and day, a second one is a 409 naming the review "
    "(`existing_id`).",
)
async def sign(
    data: DailyReviewIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    async def create() -> DailyReviewOut:
        return DailyReviewOut.model_validate(await service.sign(session, data, principal))

    return await idempotent_create(request, session, data, create)


@router.get("/daily-reviews", response_model=Page[DailyReviewOut])
async def list_reviews(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[DailyReviewOut]:
    stmt = service.list_query(principal, query)
    return await paginate(session, stmt, query.page, DailyReviewOut.model_validate)


@router.get("/daily-reviews/{review_id}", response_model=DailyReviewOut)
async def get_review(
    review_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> DailyReviewOut:
    return DailyReviewOut.model_validate(await service.get(session, review_id, principal))
