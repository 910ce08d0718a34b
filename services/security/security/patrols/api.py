from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from propops.auth import Principal, current_principal
from propops.concurrency import IfMatch, expected_version, set_etag
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lifecycle import guard
from propops.lists import ListQuery
from propops.pagination import Page, paginate
from security.patrols import service
from security.patrols.schemas import (
    FinishIn,
    PatrolSheet,
    RouteIn,
    RouteOut,
    RunOut,
    ScanIn,
    StartIn,
)

router = APIRouter(tags=["patrols"])

STATE_CONFLICT = {409: {"description": "the patrol is finished, or the checkpoint was scanned"}}


@router.post("/patrol-routes", status_code=201, response_model=RouteOut)
async def create_route(
    data: RouteIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    """A patrol route: its checkpoints (巡更點), when patrols start (an RFC 5545 rule) and how
    long after that a patrol may still start. Honours ``Idempotency-Key``."""
    default_zone = request.app.state.settings.default_time_zone

    async def create() -> RouteOut:
        return RouteOut.of(await service.create_route(session, data, principal, default_zone))

    return await idempotent_create(request, session, data, create)


@router.get("/patrol-routes", response_model=Page[RouteOut])
async def list_routes(
    query: ListQuery = Depends(service.ROUTES.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[RouteOut]:
    return await paginate(session, service.list_routes(principal, query), query.page, RouteOut.of)


@router.get("/patrol-routes/{route_id}", response_model=RouteOut)
async def get_route(
    route_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> RouteOut:
    return RouteOut.of(await service.get_route(session, route_id, principal))


@router.post("/patrols", status_code=201, response_model=RunOut)
async def start(
    data: StartIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    """Start a patrol on a route: it walks the scheduled patrol whose window is open (else it is
    a patrol outside the schedule). Honours ``Idempotency-Key``."""

    async def create() -> RunOut:
        run = await service.start(session, data.route_id, principal)
        return await service.run_out(session, run)

    return await idempotent_create(request, session, data, create)


@router.get("/patrols", response_model=PatrolSheet)
async def patrol_sheet(
    day: date | None = Query(
        default=None, alias="date", description="the day (default: today where the route is)"
    ),
    route_id: str | None = Query(default=None, max_length=36),
    property_id: str | None = Query(default=None, max_length=36),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> PatrolSheet:
    """The patrol sheet (安全巡視表) of a day: each scheduled patrol with its run and its state
    (upcoming, due, in_progress, done, missed), then the patrols outside the schedule."""
    return await service.sheet(
        session, principal, day=day, route_id=route_id, property_id=property_id
    )


@router.get("/patrols/{run_id}", response_model=RunOut)
async def get_run(
    run_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> RunOut:
    run = await service.get_run(session, run_id, principal)
    set_etag(response, run.version)
    return await service.run_out(session, run)


@router.post("/patrols/{run_id}/scan", response_model=RunOut, responses=STATE_CONFLICT)
async def scan(
    run_id: str,
    data: ScanIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> RunOut:
    """Scan a checkpoint of the patrol (once each)."""
    run = await service.get_run(session, run_id, principal)
    async with guard(session, run, expected_version(data.version, if_match), noun="patrol"):
        await service.scan(session, run, data, principal)
    await session.commit()
    set_etag(response, run.version)
    return await service.run_out(session, run)


@router.post("/patrols/{run_id}/finish", response_model=RunOut, responses=STATE_CONFLICT)
async def finish(
    run_id: str,
    response: Response,
    data: FinishIn | None = None,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> RunOut:
    """Finish the patrol: ``completed`` when every checkpoint was scanned, else
    ``incomplete`` and ``propops.security.patrol.missed.v1`` (once per occurrence)."""
    run = await service.get_run(session, run_id, principal)
    version = data.version if data is not None else None
    async with guard(session, run, expected_version(version, if_match), noun="patrol"):
        await service.finish(session, run, principal)
    await session.commit()
    set_etag(response, run.version)
    return await service.run_out(session, run)
