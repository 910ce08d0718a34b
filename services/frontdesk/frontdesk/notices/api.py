"""Routes of notices: the desk's drafts and actions under ``/v1/notices``, and the public
``GET /public/v1/notices?jurisdiction_id=<property code>`` (no sign-in, as Open311) listing what
residents see now."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.notices import service
from frontdesk.notices.models import Notice
from frontdesk.notices.schemas import (
    Body,
    NoticeIn,
    NoticeOut,
    NoticePatch,
    PublicNotice,
    PublicNotices,
    Title,
    WithdrawIn,
)
from propops.auth import Principal, current_principal
from propops.concurrency import IfMatch, expected_version, set_etag
from propops.context import get_session
from propops.db import utcnow
from propops.errors import problem_response
from propops.idempotency import idempotent_create
from propops.lifecycle import guard
from propops.lists import ListQuery
from propops.pagination import Page, paginate
from propops.timezones import zone

router = APIRouter(tags=["notices"])


class NoticeStepOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str | None
    action: str
    status: str
    note: str | None


class NoticeDetail(NoticeOut):
    history: list[NoticeStepOut]


@router.post("/notices", status_code=201, response_model=NoticeOut, summary="Draft a notice")
async def draft_notice(
    data: NoticeIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    async def create() -> NoticeOut:
        return NoticeOut.of(await service.draft(session, data, principal), utcnow())

    return await idempotent_create(request, session, data, create)


@router.get("/notices", response_model=Page[NoticeOut], summary="List notices")
async def list_notices(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[NoticeOut]:
    now = utcnow()
    stmt = service.list_query(principal, query)
    return await paginate(session, stmt, query.page, lambda n: NoticeOut.of(n, now))


@router.get("/notices/{notice_id}", response_model=NoticeDetail, summary="A notice")
async def get_notice(
    notice_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> NoticeDetail:
    notice = await service.get(session, notice_id, principal)
    steps = await service.history(session, notice.id)
    set_etag(response, notice.version)
    return NoticeDetail(
        **NoticeOut.of(notice, utcnow()).model_dump(),
        history=[NoticeStepOut.model_validate(s) for s in steps],
    )


async def _act(
    session: AsyncSession,
    notice_id: str,
    principal: Principal,
    if_match: str | None,
    response: Response,
    change: str,
    reason: str | None = None,
) -> NoticeOut:
    notice: Notice = await service.get(session, notice_id, principal)
    async with guard(session, notice, expected_version(None, if_match), noun="notice"):
        if change == "publish":
            await service.publish(session, notice, principal.username)
        else:
            await service.withdraw(session, notice, principal.username, reason)
    await session.commit()
    set_etag(response, notice.version)
    return NoticeOut.of(notice, utcnow())


@router.patch(
    "/notices/{notice_id}",
    response_model=NoticeOut,
    summary="Edit a draft",
    description="The fields given replace the draft's; the whole is checked as when drafting "
    "(422 naming the field). Only a draft: 409 naming the state once published or withdrawn. "
    "Send the version last read as `If-Match` (its `ETag`): 412 if it changed meanwhile.",
)
async def edit_notice(
    notice_id: str,
    data: NoticePatch,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> NoticeOut:
    notice: Notice = await service.get(session, notice_id, principal)
    async with guard(session, notice, expected_version(None, if_match), noun="notice"):
        await service.edit(session, notice, data, principal)
    await session.commit()
    set_etag(response, notice.version)
    return NoticeOut.of(notice, utcnow())


@router.post("/notices/{notice_id}/publish", response_model=NoticeOut, summary="Publish")
async def publish_notice(
    notice_id: str,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> NoticeOut:
    return await _act(session, notice_id, principal, if_match, response, "publish")


@router.post("/notices/{notice_id}/withdraw", response_model=NoticeOut, summary="Withdraw")
async def withdraw_notice(
    notice_id: str,
    response: Response,
    data: WithdrawIn | None = None,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> NoticeOut:
    reason = data.reason if data else None
    return await _act(session, notice_id, principal, if_match, response, "withdraw", reason)


# --- public --------------------------------------------------------------------------------------

public_router = APIRouter(
    prefix="/public/v1",
    tags=["public notices"],
    responses={
        400: problem_response("A query parameter the route does not know"),
        404: problem_response("No property has this code (field jurisdiction_id)"),
        422: problem_response("jurisdiction_id missing or invalid"),
    },
)


@public_router.get(
    "/notices",
    response_model=PublicNotices,
    summary="Notices residents see now (no sign-in)",
    description="The property's published notices whose window includes now; with building=, "
    "those for the whole property and those naming the building. Times in the property's "
    "time zone.",
)
async def public_notices(
    jurisdiction_id: str = Query(
        min_length=1, max_length=40, description="the property code (as in Open311)"
    ),
    building: str | None = Query(None, min_length=1, max_length=60),
    session: AsyncSession = Depends(get_session),
) -> PublicNotices:
    prop = await service.jurisdiction(session, jurisdiction_id)
    local = zone(prop.time_zone)
    notices = await service.published_now(session, prop, building)
    return PublicNotices(
        jurisdiction_id=prop.code,
        property_name=prop.name,
        time_zone=prop.time_zone,
        as_of=utcnow().astimezone(local),
        notices=[
            PublicNotice(
                id=n.id,
                category=n.category,
                buildings=list(n.buildings or []),
                title=Title(zh_hant=n.title_zh_hant, en=n.title_en),
                body=Body(zh_hant=n.body_zh_hant, en=n.body_en),
                publish_from=n.publish_from.astimezone(local),
                publish_until=n.publish_until.astimezone(local),
            )
            for n in notices
        ],
    )
