from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.parties import service
from frontdesk.parties.schemas import (
    OccupancyEndIn,
    OccupancyIn,
    OccupancyOut,
    PartyIn,
    PartyOut,
    PartyPatch,
)
from propops.auth import Principal, current_principal
from propops.concurrency import IfMatch, etag, parse_if_match
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["parties"])


@router.post("/parties", status_code=201, response_model=PartyOut)
async def create_party(
    data: PartyIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    async def create() -> PartyOut:
        return PartyOut.masked(await service.create_party(session, data, principal))

    return await idempotent_create(request, session, data, create)


@router.get("/parties", response_model=Page[PartyOut])
async def list_parties(
    query: ListQuery = Depends(service.PARTIES.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[PartyOut]:
    stmt = service.list_parties(query, principal)
    return await paginate(session, stmt, query.page, PartyOut.masked)


@router.get(
    "/parties/{party_id}",
    response_model=PartyOut,
    description="One party; the phone is shown in full, the ID number stays masked.",
)
async def get_party(
    party_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> PartyOut:
    party = await service.get_party(session, party_id, principal)
    response.headers["ETag"] = etag(party.version)
    return PartyOut.masked(party).model_copy(update={"phone": party.phone})


@router.patch(
    "/parties/{party_id}",
    response_model=PartyOut,
    responses={412: {"description": "If-Match names a version that is no longer current"}},
)
async def update_party(
    party_id: str,
    data: PartyPatch,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> PartyOut:
    """Correct a party. Send ``If-Match`` with the ETag read. The answer shows the phone in
    full and the ID number masked, as ``GET`` does."""
    party = await service.update_party(session, party_id, data, principal, parse_if_match(if_match))
    out = PartyOut.masked(party).model_copy(update={"phone": party.phone})
    await session.commit()
    response.headers["ETag"] = etag(out.version)
    return out


@router.post("/occupancies", status_code=201, response_model=OccupancyOut)
async def add_occupancy(
    data: OccupancyIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    async def create() -> OccupancyOut:
        return OccupancyOut.model_validate(await service.add_occupancy(session, data, principal))

    return await idempotent_create(request, session, data, create)


@router.post("/occupancies/{occupancy_id}/end", response_model=OccupancyOut)
async def end_occupancy(
    occupancy_id: str,
    data: OccupancyEndIn,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> OccupancyOut:
    """A move-out: the occupancy ends on ``end_date`` (its last day)."""
    occupancy = await service.end_occupancy(session, occupancy_id, data.end_date, principal)
    out = OccupancyOut.model_validate(occupancy)
    await session.commit()
    return out


@router.get("/occupancies", response_model=Page[OccupancyOut])
async def list_occupancies(
    query: ListQuery = Depends(service.OCCUPANCIES.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[OccupancyOut]:
    stmt = service.list_occupancies(query, principal)
    return await paginate(session, stmt, query.page, OccupancyOut.model_validate)
