from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.calls import service
from frontdesk.calls.schemas import CallIn, CallOut, CallToComplaintIn, FollowUpIn
from frontdesk.complaints.api import detail
from frontdesk.complaints.schemas import ComplaintDetail
from propops.auth import Principal, current_principal
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.masking import phone_for
from propops.pagination import Page, paginate

router = APIRouter(tags=["calls"])


@router.post("/calls", status_code=201, response_model=CallOut)
async def log_call(
    data: CallIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    async def create() -> CallOut:
        return CallOut.masked(await service.log_call(session, data, principal.username, principal))

    return await idempotent_create(request, session, data, create)


@router.get("/calls", response_model=Page[CallOut])
async def list_calls(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[CallOut]:
    return await paginate(session, service.list_calls(principal, query), query.page, CallOut.masked)


@router.get(
    "/calls/{call_id}",
    response_model=CallOut,
    description="One call; the phone in full for the front desk (who dials it back), masked "
    "for everyone else, as in the list.",
)
async def get_call(
    call_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> CallOut:
    call = await service.get_call(session, call_id, principal)
    return CallOut.masked(call).model_copy(update={"phone": phone_for(call.phone, principal.roles)})


@router.post("/calls/{call_id}/follow-up", response_model=CallOut)
async def follow_up(
    call_id: str,
    data: FollowUpIn,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> CallOut:
    call = await service.get_call(session, call_id, principal)
    await service.follow_up(session, call, data.notes, principal.username)
    result = CallOut.masked(call)
    await session.commit()
    return result


@router.post("/calls/{call_id}/complaint", status_code=201, response_model=ComplaintDetail)
async def call_to_complaint(
    call_id: str,
    data: CallToComplaintIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ComplaintDetail:
    call = await service.get_call(session, call_id, principal)
    complaint = await service.to_complaint(
        session, request.app.state.settings, call, data, principal.username, principal
    )
    await session.commit()
    return await detail(session, complaint)
