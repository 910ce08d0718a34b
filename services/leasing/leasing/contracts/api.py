from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from leasing.actions import ACTION_DOC, run_action
from leasing.contracts import service
from leasing.contracts.schemas import (
    ContractDetail,
    ContractIn,
    ContractOut,
    ContractStepOut,
    RenewIn,
    TerminateIn,
)
from leasing.text import ReasonIn, VersionIn
from propops.auth import Principal, current_principal
from propops.concurrency import IfMatch, set_etag
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["contracts"])

CLASH = {409: {"description": "another signed contract holds the space on one of the days"}}


async def _detail(session: AsyncSession, contract_id: str, principal: Principal) -> ContractDetail:
    c = await service.get(session, contract_id, principal)
    steps = await service.history(session, c.id)
    return ContractDetail(
        **ContractOut.of(c).model_dump(),
        history=[ContractStepOut.model_validate(s) for s in steps],
    )


@router.post("/contracts", status_code=201, response_model=ContractOut)
async def create_contract(
    data: ContractIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    """Draw up a contract (status ``draft``, with its reference); sign it to let the space.
    Honours ``Idempotency-Key``."""

    async def create() -> ContractOut:
        return ContractOut.of(await service.create_contract(session, data, principal))

    return await idempotent_create(request, session, data, create)


@router.get("/contracts", response_model=Page[ContractOut])
async def list_contracts(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[ContractOut]:
    """Contracts; ``ending_within_days=N&sort=end_date``: the signed ones ending soon."""
    return await paginate(
        session, service.list_contracts(principal, query), query.page, ContractOut.of
    )


@router.get("/contracts/{contract_id}", response_model=ContractDetail)
async def get_contract(
    contract_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ContractDetail:
    detail = await _detail(session, contract_id, principal)
    set_etag(response, detail.version)
    return detail


@router.post(
    "/contracts/{contract_id}/sign",
    response_model=ContractOut,
    responses=CLASH,
    description="Sign a draft: the space is let from start_date to end_date, and fees is told "
    "(contract.signed). " + ACTION_DOC,
)
async def sign(
    contract_id: str,
    response: Response,
    data: VersionIn | None = None,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ContractOut:
    c = await service.get(session, contract_id, principal)
    await run_action(
        session,
        c,
        noun="contract",
        response=response,
        if_match=if_match,
        body_version=data.version if data else None,
        change=lambda: service.sign(session, c, principal.username),
    )
    return ContractOut.of(c)


@router.post(
    "/contracts/{contract_id}/renew",
    response_model=ContractOut,
    responses=CLASH,
    description="Extend a signed contract to a later end date (and a new rent, if given). "
    + ACTION_DOC,
)
async def renew(
    contract_id: str,
    data: RenewIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ContractOut:
    c = await service.get(session, contract_id, principal)
    await run_action(
        session,
        c,
        noun="contract",
        response=response,
        if_match=if_match,
        body_version=data.version,
        change=lambda: service.renew(session, c, data, principal.username),
    )
    return ContractOut.of(c)


@router.post(
    "/contracts/{contract_id}/terminate",
    response_model=ContractOut,
    description="End a signed contract early: its last day becomes terminated_on; fees cancels "
    "the later charges. " + ACTION_DOC,
)
async def terminate(
    contract_id: str,
    data: TerminateIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ContractOut:
    c = await service.get(session, contract_id, principal)
    await run_action(
        session,
        c,
        noun="contract",
        response=response,
        if_match=if_match,
        body_version=data.version,
        change=lambda: service.terminate(session, c, data, principal.username),
    )
    return ContractOut.of(c)


@router.post(
    "/contracts/{contract_id}/cancel",
    response_model=ContractOut,
    description="Drop a draft that will not be signed (a reason is required). " + ACTION_DOC,
)
async def cancel(
    contract_id: str,
    data: ReasonIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ContractOut:
    c = await service.get(session, contract_id, principal)
    await run_action(
        session,
        c,
        noun="contract",
        response=response,
        if_match=if_match,
        body_version=data.version,
        change=lambda: service.cancel(session, c, data.reason, principal.username),
    )
    return ContractOut.of(c)
