from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.settings import FrontdeskSettings
from frontdesk.staff_shifts import service
from frontdesk.staff_shifts.models import StaffShift
from frontdesk.staff_shifts.schemas import (
    CancelIn,
    ClockIn,
    ReassignIn,
    StaffShiftIn,
    StaffShiftOut,
)
from propops.auth import Principal, current_principal
from propops.concurrency import IfMatch, expected_version, set_etag
from propops.context import get_session
from propops.db import utcnow
from propops.idempotency import idempotent_create
from propops.lifecycle import guard
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["staff shifts"])

CLASH = {409: {"description": "the user is on another shift then, or on approved leave"}}


def _out(request: Request, shift: StaffShift) -> StaffShiftOut:
    settings: FrontdeskSettings = request.app.state.settings
    return StaffShiftOut.of(shift, utcnow(), settings.staff_arrival_minutes)


@router.post("/staff-shifts", status_code=201, response_model=StaffShiftOut, responses=CLASH)
async def create_shift(
    data: StaffShiftIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    """Put a front-desk user on the roster at a post: by the desk's supervisor (or an admin;
    403 otherwise). No one is on two shifts at once (409 naming the clash) nor on a day of
    their approved leave. Honours ``Idempotency-Key``."""

    async def create() -> StaffShiftOut:
        return _out(request, await service.create_shift(session, data, principal))

    return await idempotent_create(request, session, data, create)


@router.get("/staff-shifts", response_model=Page[StaffShiftOut])
async def list_shifts(
    request: Request,
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[StaffShiftOut]:
    """The roster: a day's (``date``) or a week's (``date_from``, ``date_to``) shifts, with
    ``late``, ``absent`` and ``uncovered`` as of now."""
    stmt = service.list_query(principal, query)
    return await paginate(session, stmt, query.page, lambda s: _out(request, s))


@router.get("/staff-shifts/{shift_id}", response_model=StaffShiftOut)
async def get_shift(
    shift_id: str,
    request: Request,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> StaffShiftOut:
    shift = await service.get(session, shift_id, principal)
    set_etag(response, shift.version)
    return _out(request, shift)


@router.post("/staff-shifts/{shift_id}/reassign", response_model=StaffShiftOut, responses=CLASH)
async def reassign(
    shift_id: str,
    data: ReassignIn,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> StaffShiftOut:
    """Give a scheduled shift to another user (an uncovered one, say): by the supervisor (or
    an admin); the same clash rules; clears ``uncovered``. ``If-Match``: 412 if it changed
    meanwhile."""
    expected = expected_version(data.version, if_match)
    shift = await service.get(session, shift_id, principal)
    async with guard(session, shift, expected, noun="shift"):
        await service.reassign(session, shift, data.user, principal)
    await session.commit()
    set_etag(response, shift.version)
    return _out(request, shift)


@router.post("/staff-shifts/{shift_id}/cancel", response_model=StaffShiftOut)
async def cancel(
    shift_id: str,
    data: CancelIn,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> StaffShiftOut:
    """Take a scheduled shift off the roster (kept, as cancelled): by the supervisor (or an
    admin)."""
    expected = expected_version(data.version, if_match)
    shift = await service.get(session, shift_id, principal)
    async with guard(session, shift, expected, noun="shift"):
        await service.cancel(session, shift, data.reason, principal)
    await session.commit()
    set_etag(response, shift.version)
    return _out(request, shift)


@router.post("/staff-shifts/{shift_id}/clock-in", response_model=StaffShiftOut)
async def clock_in(
    shift_id: str,
    data: ClockIn,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> StaffShiftOut:
    """By the shift's user at the post, or for them by the desk's supervisor (recorded as
    ``clocked_in_by``; 403 for anyone else but an admin). After ``arrive_by`` (the start less
    ``PROPOPS_STAFF_ARRIVAL_MINUTES``, 20) the shift is ``late``."""
    expected = expected_version(data.version, if_match)
    shift = await service.get(session, shift_id, principal)
    async with guard(session, shift, expected, noun="shift"):
        await service.clock_in(session, shift, data.at, principal)
    await session.commit()
    set_etag(response, shift.version)
    return _out(request, shift)


@router.post("/staff-shifts/{shift_id}/clock-out", response_model=StaffShiftOut)
async def clock_out(
    shift_id: str,
    data: ClockIn,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> StaffShiftOut:
    """By the shift's user (or for them by the supervisor: ``clocked_out_by``), once clocked
    in."""
    expected = expected_version(data.version, if_match)
    shift = await service.get(session, shift_id, principal)
    async with guard(session, shift, expected, noun="shift"):
        await service.clock_out(session, shift, data.at, principal)
    await session.commit()
    set_etag(response, shift.version)
    return _out(request, shift)
