from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.commitments import service
from frontdesk.commitments.schemas import CommitmentIn, CommitmentOut, SettleIn
from frontdesk.complaints import service as complaints
from frontdesk.complaints.api import ACTION_DOC, Action, action
from propops.auth import Principal, current_principal
from propops.context import get_session
from propops.lifecycle import guard
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["commitments"])


@router.post(
    "/complaints/{complaint_id}/commitments",
    status_code=201,
    response_model=CommitmentOut,
    description="A promise made to the resident. " + ACTION_DOC,
)
async def add_commitment(data: CommitmentIn, act: Action = Depends(action)) -> CommitmentOut:
    commitment = await act.run(
        lambda: service.add(act.session, act.complaint, data, act.actor), etag=False
    )
    return CommitmentOut.model_validate(commitment)


@router.get("/commitments", response_model=Page[CommitmentOut])
async def list_commitments(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[CommitmentOut]:
    stmt = service.list_query(principal, query)
    return await paginate(session, stmt, query.page, CommitmentOut.model_validate)


async def _settle(
    session: AsyncSession,
    commitment_id: str,
    outcome: str,
    data: SettleIn,
    principal: Principal,
) -> CommitmentOut:
    commitment = await service.get(session, commitment_id, principal)
    complaint = await complaints.get(session, commitment.complaint_id)
    async with guard(session, complaint, noun="complaint"):
        await service.settle(session, commitment, complaint, outcome, data.note, principal.username)
    await session.commit()
    return CommitmentOut.model_validate(commitment)


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
