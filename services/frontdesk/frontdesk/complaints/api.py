from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Query, Request
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
from propops.concurrency import IfMatch, parse_if_match
from propops.context import get_session
from propops.db import utcnow
from propops.idempotency import idempotent_create
from propops.pagination import Page, PageParams, page_params, paginate

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


@dataclass
class Action:
    """An action on one complaint: loaded (with the optional version check), the session,
    settings and actor the rule needs; ``done`` commits and answers the complaint."""

    session: AsyncSession
    settings: FrontdeskSettings
    principal: Principal
    complaint: Complaint

    @property
    def actor(self) -> str:
        return self.principal.username

    async def done(self) -> ComplaintOut:
        await self.session.commit()
        return out(self.complaint)


async def action(
    complaint_id: str,
    request: Request,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Action:
    complaint = await service.get(session, complaint_id, principal)
    service.check_version(complaint, parse_if_match(if_match))
    return Action(session, settings_of(request), principal, complaint)


@router.post("/complaints/{complaint_id}/classify", response_model=ComplaintOut)
async def classify(data: ClassifyIn, act: Action = Depends(action)) -> ComplaintOut:
    await service.classify(act.session, act.settings, act.complaint, data, act.actor)
    return await act.done()


@router.post(
    "/complaints/{complaint_id}/confirm-identity",
    response_model=ComplaintDetail,
    description="Also answers the unit's payment status, for the clerk to see.",
)
async def confirm_identity(
    data: ConfirmIdentityIn, act: Action = Depends(action)
) -> ComplaintDetail:
    await service.confirm_identity(act.session, act.complaint, data, act.actor)
    await act.session.commit()
    return await detail(act.session, act.complaint)


@router.post("/complaints/{complaint_id}/dispatch", response_model=ComplaintOut)
async def dispatch(act: Action = Depends(action)) -> ComplaintOut:
    await service.dispatch(act.session, act.settings, act.complaint, act.actor)
    return await act.done()


@router.post("/complaints/{complaint_id}/answer", response_model=ComplaintOut)
async def answer(data: AnswerIn, act: Action = Depends(action)) -> ComplaintOut:
    await service.answer(act.session, act.settings, act.complaint, data.answer, act.actor)
    return await act.done()


@router.post(
    "/complaints/{complaint_id}/resolve",
    response_model=ComplaintOut,
    description="Resolve a complaint worked at the desk itself (department frontdesk).",
)
async def resolve(data: ResolveIn, act: Action = Depends(action)) -> ComplaintOut:
    await service.resolve_at_desk(
        act.session, act.settings, act.complaint, data.resolution_notes, act.actor
    )
    return await act.done()


@router.post("/complaints/{complaint_id}/escalate", response_model=ComplaintOut)
async def escalate(data: EscalateIn, act: Action = Depends(action)) -> ComplaintOut:
    await service.escalate(act.session, act.settings, act.complaint, data.reason, act.actor)
    return await act.done()


@router.post("/complaints/{complaint_id}/cancel", response_model=ComplaintOut)
async def cancel(data: CancelIn, act: Action = Depends(action)) -> ComplaintOut:
    await service.cancel(act.session, act.settings, act.complaint, data.reason, act.actor)
    return await act.done()


@router.post("/complaints/{complaint_id}/site-visits", status_code=201, response_model=SiteVisitOut)
async def site_visit(data: SiteVisitIn, act: Action = Depends(action)) -> SiteVisitOut:
    visit = await service.site_visit(act.session, act.settings, act.complaint, data, act.actor)
    result = SiteVisitOut.model_validate(visit)
    await act.session.commit()
    return result


@router.post(
    "/complaints/{complaint_id}/commitments", status_code=201, response_model=CommitmentOut
)
async def add_commitment(data: CommitmentIn, act: Action = Depends(action)) -> CommitmentOut:
    commitment = await service.add_commitment(act.session, act.complaint, data, act.actor)
    result = CommitmentOut.model_validate(commitment)
    await act.session.commit()
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
