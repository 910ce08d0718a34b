from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.leave_requests import service
from frontdesk.leave_requests.schemas import DecideIn, LeaveIn, LeaveOut, RefuseIn
from propops.auth import Principal, current_principal
from propops.concurrency import IfMatch, expected_version, set_etag
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lifecycle import guard
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["leave requests"])
# the supervisor's decisions: the desk's supervisor or a manager (``propops.supervisor``)
supervisor_router = APIRouter(tags=["leave requests"])


@router.post("/leave-requests", status_code=201, response_model=LeaveOut)
async def request_leave(
    data: LeaveIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    """Ask for leave for a front-desk user at a property (whole days, ``from`` to ``to``
    inclusive); 409 if it overlaps another requested or approved leave of theirs. Honours
    ``Idempotency-Key``."""

    async def create() -> LeaveOut:
        return LeaveOut.model_validate(await service.request(session, data, principal))

    return await idempotent_create(request, session, data, create)


@router.get("/leave-requests", response_model=Page[LeaveOut])
async def list_leave(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[LeaveOut]:
    """The requests of the properties the user sees."""
    stmt = service.list_query(query, principal)
    return await paginate(session, stmt, query.page, LeaveOut.model_validate)


@router.get("/leave-requests/{leave_id}", response_model=LeaveOut)
async def get_leave(
    leave_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> LeaveOut:
    leave = await service.get(session, leave_id, principal)
    set_etag(response, leave.version)
    return LeaveOut.model_validate(leave)


@router.post("/leave-requests/{leave_id}/cancel", response_model=LeaveOut)
async def cancel(
    leave_id: str,
    data: DecideIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> LeaveOut:
    """By the user or whoever entered it; an approved leave's shifts are covered again."""
    expected = expected_version(data.version, if_match)
    leave = await service.get(session, leave_id, principal)
    async with guard(session, leave, expected, noun="leave request"):
        await service.cancel(session, leave, principal)
    await session.commit()
    set_etag(response, leave.version)
    return LeaveOut.model_validate(leave)


@supervisor_router.post("/leave-requests/{leave_id}/approve", response_model=LeaveOut)
async def approve(
    leave_id: str,
    data: DecideIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> LeaveOut:
    """By the desk's supervisor or a manager who sees its property (403 for anyone else, and
    for one's own leave).
    The user's scheduled shifts on those days become ``uncovered``
    (``GET /v1/staff-shifts?uncovered=true``) until reassigned or cancelled."""
    expected = expected_version(data.version, if_match)
    leave = await service.get(session, leave_id, principal)
    async with guard(session, leave, expected, noun="leave request"):
        await service.approve(session, leave, principal)
    await session.commit()
    set_etag(response, leave.version)
    return LeaveOut.model_validate(leave)


@supervisor_router.post("/leave-requests/{leave_id}/refuse", response_model=LeaveOut)
async def refuse(
    leave_id: str,
    data: RefuseIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> LeaveOut:
    """By the desk's supervisor or a manager (never for their own leave), with the reason."""
    expected = expected_version(data.version, if_match)
    leave = await service.get(session, leave_id, principal)
    async with guard(session, leave, expected, noun="leave request"):
        await service.refuse(session, leave, data.reason, principal)
    await session.commit()
    set_etag(response, leave.version)
    return LeaveOut.model_validate(leave)
