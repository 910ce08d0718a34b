from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.commitments import service as commitments
from frontdesk.commitments.schemas import CommitmentOut
from frontdesk.complaints import service
from frontdesk.complaints.deadlines import is_overdue
from frontdesk.complaints.models import Complaint
from frontdesk.complaints.schemas import (
    AnswerIn,
    CancelIn,
    ClassifyIn,
    ComplaintDetail,
    ComplaintIn,
    ComplaintOut,
    ConfirmIdentityIn,
    EscalateIn,
    ResolveIn,
    SiteVisitIn,
    SiteVisitOut,
    StepOut,
)
from frontdesk.payment_status import service as payment_status
from frontdesk.settings import FrontdeskSettings
from propops.auth import Principal, current_principal
from propops.concurrency import IfMatch, parse_if_match, set_etag
from propops.context import get_session
from propops.db import utcnow
from propops.idempotency import idempotent_create
from propops.lifecycle import guard
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["complaints"])

T = TypeVar("T")


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
            for c in await commitments.open_commitments(session, complaint.id)
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

    response = await idempotent_create(request, session, data, create)
    if response.status_code < 300:
        set_etag(response, json.loads(response.body)["version"])
    return response


@router.get("/complaints", response_model=Page[ComplaintOut])
async def list_complaints(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[ComplaintOut]:
    return await paginate(session, service.list_query(principal, query), query.page, out)


@router.get("/complaints/{complaint_id}", response_model=ComplaintDetail)
async def get_complaint(
    complaint_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ComplaintDetail:
    complaint = await service.get(session, complaint_id, principal)
    set_etag(response, complaint.version)
    return await detail(session, complaint)


@dataclass
class Action:
    """An action on one complaint: the complaint (loaded, property checked), the version the
    client expects (``If-Match``), the session, settings and actor the rule needs. ``run``
    applies the rule under ``propops.lifecycle.guard`` (412 if the complaint is not, or no
    longer, at the expected version), commits, and answers the new version as the ``ETag``."""

    session: AsyncSession
    settings: FrontdeskSettings
    principal: Principal
    complaint: Complaint
    expected: int | None
    response: Response

    @property
    def actor(self) -> str:
        return self.principal.username

    async def run(self, change: Callable[[], Awaitable[T]], *, etag: bool = True) -> T:
        """``etag=False`` for an action answering another resource (a site visit made)."""
        async with guard(self.session, self.complaint, self.expected, noun="complaint"):
            result = await change()
        await self.session.commit()
        if etag:
            set_etag(self.response, self.complaint.version)
        return result


async def action(
    complaint_id: str,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Action:
    expected = parse_if_match(if_match)
    complaint = await service.get(session, complaint_id, principal)
    return Action(session, settings_of(request), principal, complaint, expected, response)


ACTION_DOC = (
    "Send the complaint's version last read as `If-Match` (its `ETag`): 412 if it changed "
    "meanwhile. An answer that is the complaint carries its new `ETag`."
)


@router.post(
    "/complaints/{complaint_id}/classify", response_model=ComplaintOut, description=ACTION_DOC
)
async def classify(data: ClassifyIn, act: Action = Depends(action)) -> ComplaintOut:
    await act.run(
        lambda: service.classify(act.session, act.settings, act.complaint, data, act.actor)
    )
    return out(act.complaint)


@router.post(
    "/complaints/{complaint_id}/confirm-identity",
    response_model=ComplaintDetail,
    description="Also answers the unit's payment status, for the clerk to see. " + ACTION_DOC,
)
async def confirm_identity(
    data: ConfirmIdentityIn, act: Action = Depends(action)
) -> ComplaintDetail:
    await act.run(lambda: service.confirm_identity(act.session, act.complaint, data, act.actor))
    return await detail(act.session, act.complaint)


@router.post(
    "/complaints/{complaint_id}/dispatch", response_model=ComplaintOut, description=ACTION_DOC
)
async def dispatch(act: Action = Depends(action)) -> ComplaintOut:
    await act.run(lambda: service.dispatch(act.session, act.settings, act.complaint, act.actor))
    return out(act.complaint)


@router.post(
    "/complaints/{complaint_id}/answer", response_model=ComplaintOut, description=ACTION_DOC
)
async def answer(data: AnswerIn, act: Action = Depends(action)) -> ComplaintOut:
    await act.run(
        lambda: service.answer(act.session, act.settings, act.complaint, data.answer, act.actor)
    )
    return out(act.complaint)


@router.post(
    "/complaints/{complaint_id}/resolve",
    response_model=ComplaintOut,
    description="Resolve a complaint worked at the desk itself (department frontdesk). "
    + ACTION_DOC,
)
async def resolve(data: ResolveIn, act: Action = Depends(action)) -> ComplaintOut:
    await act.run(
        lambda: service.resolve_at_desk(
            act.session, act.settings, act.complaint, data.resolution_notes, act.actor
        )
    )
    return out(act.complaint)


@router.post(
    "/complaints/{complaint_id}/escalate", response_model=ComplaintOut, description=ACTION_DOC
)
async def escalate(data: EscalateIn, act: Action = Depends(action)) -> ComplaintOut:
    await act.run(
        lambda: service.escalate(act.session, act.settings, act.complaint, data.reason, act.actor)
    )
    return out(act.complaint)


@router.post(
    "/complaints/{complaint_id}/cancel", response_model=ComplaintOut, description=ACTION_DOC
)
async def cancel(data: CancelIn, act: Action = Depends(action)) -> ComplaintOut:
    await act.run(
        lambda: service.cancel(act.session, act.settings, act.complaint, data.reason, act.actor)
    )
    return out(act.complaint)


@router.post(
    "/complaints/{complaint_id}/site-visits",
    status_code=201,
    response_model=SiteVisitOut,
    description=ACTION_DOC,
)
async def site_visit(data: SiteVisitIn, act: Action = Depends(action)) -> SiteVisitOut:
    visit = await act.run(
        lambda: service.site_visit(act.session, act.settings, act.complaint, data, act.actor),
        etag=False,
    )
    return SiteVisitOut.model_validate(visit)
