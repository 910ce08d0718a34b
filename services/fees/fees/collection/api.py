from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from fees.collection import service
from fees.collection.models import CollectionCase
from fees.collection.schemas import (
    AppointmentIn,
    AppointmentOut,
    AttemptIn,
    CaseIn,
    CaseOut,
    CaseSummaryOut,
    OpinionIn,
    PromiseIn,
)
from propops.auth import Principal, current_principal
from propops.concurrency import IfMatch, expected_version, set_etag
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lifecycle import guard
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["collection"])


async def _out(session: AsyncSession, case: CollectionCase) -> CaseOut:
    await session.refresh(case, ["promise_status"])  # a query of its own: read it now
    return CaseOut.model_validate(
        {**CaseSummaryOut.model_validate(case).model_dump(), **await service.details(session, case)}
    )


@router.post("/collection-cases", status_code=201, response_model=CaseOut)
async def open_case(
    data: CaseIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    """Open a collection case for a unit in arrears (409 if it is not, or has an open case)."""

    async def create() -> CaseOut:
        return await _out(session, await service.open_case(session, data.unit_id, principal))

    return await idempotent_create(request, session, data, create)


@router.get("/collection-cases", response_model=Page[CaseSummaryOut])
async def list_cases(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[CaseSummaryOut]:
    stmt = service.list_cases(principal, query)
    return await paginate(session, stmt, query.page, CaseSummaryOut.model_validate)


@router.get("/collection-cases/{case_id}", response_model=CaseOut)
async def get_case(
    case_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> CaseOut:
    case = await service.get_case(session, case_id, principal)
    set_etag(response, case.version)
    return await _out(session, case)


@router.get("/collection-appointments", response_model=Page[AppointmentOut])
async def list_appointments(
    query: ListQuery = Depends(service.APPOINTMENTS.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[AppointmentOut]:
    """Appointments of open cases, soonest first (``due_by``: those up to a day)."""
    stmt = service.list_appointments(principal, query)
    return await paginate(session, stmt, query.page, AppointmentOut.model_validate)


Change = Callable[[AsyncSession, CollectionCase, str], Awaitable[object]]


async def _change(
    case_id: str,
    body: BaseModel,
    if_match: str | None,
    response: Response,
    principal: Principal,
    session: AsyncSession,
    change: Change,
) -> CaseOut:
    case = await service.get_case(session, case_id, principal)
    expected = expected_version(getattr(body, "version", None), if_match)
    async with guard(session, case, expected, noun="collection case"):
        await change(session, case, principal.username)
    await session.commit()
    set_etag(response, case.version)
    return await _out(session, case)


@router.post("/collection-cases/{case_id}/attempts", response_model=CaseOut)
async def add_attempt(
    case_id: str,
    data: AttemptIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> CaseOut:
    """A visit to the door or a phone call: who was reached and what came of it."""
    return await _change(
        case_id, data, if_match, response, principal, session,
        lambda s, c, a: service.add_attempt(s, c, data, a),
    )  # fmt: skip


@router.post("/collection-cases/{case_id}/appointments", response_model=CaseOut)
async def add_appointment(
    case_id: str,
    data: AppointmentIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> CaseOut:
    """An appointment with the owner (when and where); it comes due in the appointments list."""
    return await _change(
        case_id, data, if_match, response, principal, session,
        lambda s, c, a: service.add_appointment(s, c, data, a),
    )  # fmt: skip


@router.post("/collection-cases/{case_id}/promises", response_model=CaseOut)
async def add_promise(
    case_id: str,
    data: PromiseIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> CaseOut:
    """The owner's promise to pay an amount by a date."""
    return await _change(
        case_id, data, if_match, response, principal, session,
        lambda s, c, a: service.add_promise(s, c, data, a),
    )  # fmt: skip


@router.post("/collection-cases/{case_id}/opinions", response_model=CaseOut)
async def add_opinion(
    case_id: str,
    data: OpinionIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> CaseOut:
    """The owner's raised opinion; with ``raise_complaint`` the front desk records it as a
    complaint. The debt is not paused."""
    return await _change(
        case_id, data, if_match, response, principal, session,
        lambda s, c, a: service.add_opinion(s, c, data, a),
    )  # fmt: skip
