"""The gate: visitors expected and on site (entry, exit), release passes to check."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Depends, Response
from sqlalchemy.ext.asyncio import AsyncSession

from propops.auth import Principal, current_principal
from propops.concurrency import IfMatch, parse_if_match, set_etag
from propops.context import get_session
from propops.lifecycle import guard
from propops.lists import ListQuery
from propops.pagination import Page, paginate
from security.gate import service
from security.gate.models import GatePass
from security.gate.schemas import CheckIn, EnterIn, GatePassOut, GateVisitorOut

router = APIRouter(tags=["gate"])

ACTION_DOC = (
    "Send the version last read as `If-Match` (its `ETag`): 412 if it changed meanwhile; a "
    "step already taken is 409 naming the state. Goes back to the front desk by event."
)


def pass_out(row: GatePass) -> GatePassOut:
    return GatePassOut.model_validate(row).model_copy(
        update={"expired": row.status == "issued" and service.is_expired(row)}
    )


@router.get("/gate/visitors", response_model=Page[GateVisitorOut])
async def list_visitors(
    query: ListQuery = Depends(service.VISITORS.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[GateVisitorOut]:
    stmt = service.visitors(principal, query)
    return await paginate(session, stmt, query.page, GateVisitorOut.model_validate)


@router.get("/gate/visitors/{visit_id}", response_model=GateVisitorOut)
async def get_visitor(
    visit_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> GateVisitorOut:
    row = await service.get_visitor(session, visit_id, principal)
    set_etag(response, row.version)
    return GateVisitorOut.model_validate(row)


async def _act(
    session: AsyncSession,
    row: Any,
    if_match: str | None,
    response: Response,
    noun: str,
    change: Callable[[], Awaitable[object]],
) -> None:
    async with guard(session, row, parse_if_match(if_match), noun=noun):
        await change()
    await session.commit()
    set_etag(response, row.version)


@router.post(
    "/gate/visitors/{visit_id}/enter",
    response_model=GateVisitorOut,
    description="A visitor whose identity the desk has not confirmed (`identity_confirmed` "
    "false) needs the document seen: `{document_kind, document_checked: true}` (409 naming "
    "`identity` without it, 422 naming the field when incomplete). " + ACTION_DOC,
)
async def enter(
    visit_id: str,
    response: Response,
    data: EnterIn | None = None,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> GateVisitorOut:
    row = await service.get_visitor(session, visit_id, principal)
    await _act(
        session,
        row,
        if_match,
        response,
        "visitor",
        lambda: service.enter(session, row, principal.username, data),
    )
    return GateVisitorOut.model_validate(row)


@router.post(
    "/gate/visitors/{visit_id}/exit", response_model=GateVisitorOut, description=ACTION_DOC
)
async def exit_(
    visit_id: str,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> GateVisitorOut:
    row = await service.get_visitor(session, visit_id, principal)
    await _act(
        session,
        row,
        if_match,
        response,
        "visitor",
        lambda: service.exit_(session, row, principal.username),
    )
    return GateVisitorOut.model_validate(row)


@router.get("/gate/release-passes", response_model=Page[GatePassOut])
async def list_passes(
    query: ListQuery = Depends(service.PASSES.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[GatePassOut]:
    return await paginate(session, service.passes(principal, query), query.page, pass_out)


@router.get("/gate/release-passes/{pass_id}", response_model=GatePassOut)
async def get_pass(
    pass_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> GatePassOut:
    row = await service.get_pass(session, pass_id, principal)
    set_etag(response, row.version)
    return pass_out(row)


@router.post(
    "/gate/release-passes/{pass_id}/check",
    response_model=GatePassOut,
    description="The goods against the list: `released` when they match, `held` otherwise. "
    "A pass is used once; an expired or cancelled pass is refused (409). " + ACTION_DOC,
)
async def check(
    pass_id: str,
    data: CheckIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> GatePassOut:
    row = await service.get_pass(session, pass_id, principal)
    await _act(
        session,
        row,
        if_match,
        response,
        "release pass",
        lambda: service.check(session, row, data, principal.username),
    )
    return pass_out(row)
