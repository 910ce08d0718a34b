from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from leasing.actions import ACTION_DOC, run_action
from leasing.ads import service
from leasing.ads.schemas import (
    PlacementDetail,
    PlacementIn,
    PlacementOut,
    PlacementStepOut,
    RejectIn,
    ReviewIn,
)
from propops.auth import Principal, current_principal
from propops.concurrency import IfMatch, set_etag
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["ads"])


@router.post("/ad-placements", status_code=201, response_model=PlacementOut)
async def submit(
    data: PlacementIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    """Submit an ad for an ad space (status ``pending`` until approved). Honours
    ``Idempotency-Key``."""

    async def create() -> PlacementOut:
        return PlacementOut.model_validate(await service.submit(session, data, principal))

    return await idempotent_create(request, session, data, create)


@router.get("/ad-placements", response_model=Page[PlacementOut])
async def list_placements(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[PlacementOut]:
    """Ads; ``current=true``: what is up on each space now; ``expiring_within_days=N``: what
    comes down soon; ``expired=true``: what should have come down."""
    return await paginate(
        session, service.list_placements(principal, query), query.page, PlacementOut.model_validate
    )


@router.get("/ad-placements/{placement_id}", response_model=PlacementDetail)
async def get_placement(
    placement_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> PlacementDetail:
    placement = await service.get(session, placement_id, principal)
    set_etag(response, placement.version)
    steps = await service.history(session, placement.id)
    return PlacementDetail(
        **PlacementOut.model_validate(placement).model_dump(),
        history=[PlacementStepOut.model_validate(s) for s in steps],
    )


@router.post(
    "/ad-placements/{placement_id}/approve",
    response_model=PlacementOut,
    responses={409: {"description": "another approved ad is up on the space on one of the days"}},
    description="Approve a pending ad. " + ACTION_DOC,
)
async def approve(
    placement_id: str,
    data: ReviewIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> PlacementOut:
    placement = await service.get(session, placement_id, principal)
    await run_action(
        session,
        placement,
        noun="ad placement",
        response=response,
        if_match=if_match,
        body_version=data.version,
        change=lambda: service.approve(session, placement, data.note, principal.username),
    )
    return PlacementOut.model_validate(placement)


@router.post(
    "/ad-placements/{placement_id}/reject",
    response_model=PlacementOut,
    description="Reject a pending ad, saying why. " + ACTION_DOC,
)
async def reject(
    placement_id: str,
    data: RejectIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> PlacementOut:
    placement = await service.get(session, placement_id, principal)
    await run_action(
        session,
        placement,
        noun="ad placement",
        response=response,
        if_match=if_match,
        body_version=data.version,
        change=lambda: service.reject(session, placement, data.note, principal.username),
    )
    return PlacementOut.model_validate(placement)
