from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.complaints import service
from frontdesk.complaints.deadlines import is_overdue
from frontdesk.complaints.models import Complaint
from frontdesk.complaints.schemas import (
    AnswerIn,
    CancelIn,
    ClassifyIn,
    CommitmentIn,
    CommitmentOut,
    ComplaintDetail,
    ComplaintIn,
    ComplaintOut,
    ConfirmIdentityIn,
    EscalateIn,
    ResolveIn,
    SettleIn,
    SiteVisitIn,
    SiteVisitOut,
    StepOut,
)
from frontdesk.payment_status import service as payment_status
from frontdesk.settings import FrontdeskSettings
from propops.auth import Principal, current_principal
from propops.db import utcnow
from propops.errors import Invalid
from propops.idempotency import idempotent_create
from propops.pagination import Page, PageParams, page_params, paginate
from propops.service import get_session

router = APIRouter(tags=["complaints"])


def settings_of(request: Request) -> FrontdeskSettings:
    return request.app.state.settings


def out(complaint: Complaint) -> ComplaintOut:
    return ComplaintOut.model_validate(complaint).model_copy(
        update={"overdue": is_overdue(complaint, utcnow())}
    )


async def detail(session: AsyncSession, complaint: Complaint) -> ComplaintDetail:
    base = out(complaint)
    return ComplaintDetail(
        **base.model_dump(),
        open_commitments=[
            CommitmentOut.model_validate(c)
            for c in await service.open_commitments(session, complaint.id)
        ],
        site_visits=[
            SiteVisitOut.model_validate(v) for v in await service.site_visits(session, complaint.id)
        ],
        timeline=[StepOut.model_validate(s) for s in await service.timeline(session, complaint.id)],
        payment_status=await payment_status.of_unit(session, complaint.unit_id),
    )


def if_match(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.strip().removeprefix("W/").strip('"'))
    except ValueError:
        raise Invalid("If-Match must be the complaint's version number", field="If-Match") from None


IfMatch = Annotated[str | None, Header(alias="If-Match", description="the version (optional)")]


async def load(
    session: AsyncSession, complaint_id: str, principal: Principal, version: str | None
) -> Complaint:
    complaint = await service.get(session, complaint_id, principal)
    service.check_version(complaint, if_match(version))
    return complaint


@router.post("/complaints", status_code=201, response_model=ComplaintOut)
async def record(
    data: ComplaintIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    async def create() -> ComplaintOut:
        complaint = await service.record(
            session, settings_of(request), data, principal.username, principal
        )
        return out(complaint)

    return await idempotent_create(request, session, data, create)


@router.get("/complaints", response_model=Page[ComplaintOut])
async def list_complaints(
    property_id: str | None = None,
    status: str | None = None,
    nature: str | None = None,
    department: str | None = None,
    unit_id: str | None = None,
    overdue: bool | None = Query(None, description="only complaints past a deadline"),
    page: PageParams = Depends(page_params),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[ComplaintOut]:
    stmt = service.list_query(
        principal,
        property_id=property_id,
        status=status,
        nature=nature,
        department=department,
        unit_id=unit_id,
        overdue=overdue,
    )
    return await paginate(session, stmt, page, out)


@router.get("/complaints/{complaint_id}", response_model=ComplaintDetail)
async def get_complaint(
    complaint_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ComplaintDetail:
    return await detail(session, await service.get(session, complaint_id, principal))


async def _done(session: AsyncSession, complaint: Complaint) -> ComplaintOut:
    """Commit an action and answer the complaint as it now is (GET gives the timeline too)."""
    await session.commit()
    return out(complaint)


@router.post("/complaints/{complaint_id}/classify", response_model=ComplaintOut)
async def classify(
    complaint_id: str,
    data: ClassifyIn,
    request: Request,
    if_match_: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ComplaintOut:
    complaint = await load(session, complaint_id, principal, if_match_)
    await service.classify(session, settings_of(request), complaint, data, principal.username)
    return await _done(session, complaint)


@router.post("/complaints/{complaint_id}/confirm-identity", response_model=ComplaintDetail)
async def confirm_identity(
    complaint_id: str,
    data: ConfirmIdentityIn,
    if_match_: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ComplaintDetail:
    complaint = await load(session, complaint_id, principal, if_match_)
    await service.confirm_identity(session, complaint, data, principal.username)
    await session.commit()
    return await detail(session, complaint)  # the clerk sees the unit's payment status


@router.post("/complaints/{complaint_id}/dispatch", response_model=ComplaintOut)
async def dispatch(
    complaint_id: str,
    request: Request,
    if_match_: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ComplaintOut:
    complaint = await load(session, complaint_id, principal, if_match_)
    await service.dispatch(session, settings_of(request), complaint, principal.username)
    return await _done(session, complaint)


@router.post("/complaints/{complaint_id}/answer", response_model=ComplaintOut)
async def answer(
    complaint_id: str,
    data: AnswerIn,
    request: Request,
    if_match_: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ComplaintOut:
    complaint = await load(session, complaint_id, principal, if_match_)
    await service.answer(session, settings_of(request), complaint, data.answer, principal.username)
    return await _done(session, complaint)


@router.post(
    "/complaints/{complaint_id}/resolve",
    response_model=ComplaintOut,
    description="Resolve a complaint worked at the desk itself (department frontdesk).",
)
async def resolve(
    complaint_id: str,
    data: ResolveIn,
    request: Request,
    if_match_: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ComplaintOut:
    complaint = await load(session, complaint_id, principal, if_match_)
    await service.resolve_at_desk(
        session, settings_of(request), complaint, data.resolution_notes, principal.username
    )
    return await _done(session, complaint)


@router.post("/complaints/{complaint_id}/site-visits", status_code=201, response_model=SiteVisitOut)
async def site_visit(
    complaint_id: str,
    data: SiteVisitIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> SiteVisitOut:
    complaint = await load(session, complaint_id, principal, None)
    visit = await service.site_visit(
        session, settings_of(request), complaint, data, principal.username
    )
    result = SiteVisitOut.model_validate(visit)
    await session.commit()
    return result


@router.post("/complaints/{complaint_id}/escalate", response_model=ComplaintOut)
async def escalate(
    complaint_id: str,
    data: EscalateIn,
    request: Request,
    if_match_: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ComplaintOut:
    complaint = await load(session, complaint_id, principal, if_match_)
    await service.escalate(
        session, settings_of(request), complaint, data.reason, principal.username
    )
    return await _done(session, complaint)


@router.post("/complaints/{complaint_id}/cancel", response_model=ComplaintOut)
async def cancel(
    complaint_id: str,
    data: CancelIn,
    request: Request,
    if_match_: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ComplaintOut:
    complaint = await load(session, complaint_id, principal, if_match_)
    await service.cancel(session, settings_of(request), complaint, data.reason, principal.username)
    return await _done(session, complaint)


@router.post(
    "/complaints/{complaint_id}/commitments", status_code=201, response_model=CommitmentOut
)
async def add_commitment(
    complaint_id: str,
    data: CommitmentIn,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> CommitmentOut:
    complaint = await load(session, complaint_id, principal, None)
    commitment = await service.add_commitment(session, complaint, data, principal.username)
    result = CommitmentOut.model_validate(commitment)
    await session.commit()
    return result


@router.get("/commitments", response_model=Page[CommitmentOut])
async def list_commitments(
    status: str | None = Query(None, pattern="^(open|kept|withdrawn)$"),
    complaint_id: str | None = None,
    property_id: str | None = None,
    page: PageParams = Depends(page_params),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[CommitmentOut]:
    stmt = service.list_commitments(
        principal, status=status, complaint_id=complaint_id, property_id=property_id
    )
    return await paginate(session, stmt, page, CommitmentOut.model_validate)


async def _settle(
    session: AsyncSession, commitment_id: str, outcome: str, data: SettleIn, principal: Principal
) -> CommitmentOut:
    commitment = await service.settle_commitment(
        session, commitment_id, outcome, data.note, principal.username, principal
    )
    result = CommitmentOut.model_validate(commitment)
    await session.commit()
    return result


@router.post("/commitments/{commitment_id}/keep", response_model=CommitmentOut)
async def keep_commitment(
    commitment_id: str,
    data: SettleIn,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> CommitmentOut:
    return await _settle(session, commitment_id, "kept", data, principal)


@router.post("/commitments/{commitment_id}/withdraw", response_model=CommitmentOut)
async def withdraw_commitment(
    commitment_id: str,
    data: SettleIn,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> CommitmentOut:
    return await _settle(session, commitment_id, "withdrawn", data, principal)
