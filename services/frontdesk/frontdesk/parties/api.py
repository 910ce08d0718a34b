from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.parties import service
from frontdesk.parties.schemas import OccupancyIn, OccupancyOut, PartyIn, PartyOut
from propops.auth import Principal, current_principal
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["parties"])


@router.post("/parties", status_code=201, response_model=PartyOut)
async def create_party(
    data: PartyIn, request: Request, session: AsyncSession = Depends(get_session)
) -> JSONResponse:
    async def create() -> PartyOut:
        return PartyOut.masked(await service.create_party(session, data))

    return await idempotent_create(request, session, data, create)


@router.get("/parties", response_model=Page[PartyOut])
async def list_parties(
    query: ListQuery = Depends(service.PARTIES.dependency),
    session: AsyncSession = Depends(get_session),
) -> Page[PartyOut]:
    return await paginate(session, service.list_parties(query), query.page, PartyOut.masked)


@router.get(
    "/parties/{party_id}",
    response_model=PartyOut,
    description="One party; the phone is shown in full, the ID number stays masked.",
)
async def get_party(party_id: str, session: AsyncSession = Depends(get_session)) -> PartyOut:
    party = await service.get_party(session, party_id)
    return PartyOut.masked(party).model_copy(update={"phone": party.phone})


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


@router.get("/occupancies", response_model=Page[OccupancyOut])
async def list_occupancies(
    query: ListQuery = Depends(service.OCCUPANCIES.dependency),
    session: AsyncSession = Depends(get_session),
) -> Page[OccupancyOut]:
    stmt = service.list_occupancies(query)
    return await paginate(session, stmt, query.page, OccupancyOut.model_validate)
