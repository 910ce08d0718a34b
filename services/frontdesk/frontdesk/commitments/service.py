"""Rules of commitments (承諾): a promise made to the resident while the complaint is open,
kept or withdrawn before the complaint can close (``callbacks.service.record``)."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.commitments.models import Commitment
from frontdesk.commitments.schemas import CommitmentIn
from frontdesk.complaints.lifecycle import COMPLAINT, add_step, step
from frontdesk.complaints.models import Complaint
from propops.auth import Principal, get_visible, scope_to_properties
from propops.db import utcnow
from propops.errors import Conflict

OUTCOMES = ("kept", "withdrawn")


async def add(
    session: AsyncSession, complaint: Complaint, data: CommitmentIn, actor: str
) -> Commitment:
    commitment = Commitment(
        complaint_id=complaint.id, property_id=complaint.property_id, **data.model_dump()
    )
    await COMPLAINT.apply(
        session,
        complaint,
        "add_commitment",
        step=lambda c: [
            commitment,
            step(
                c,
                "commitment_made",
                actor,
                text=data.text,
                promised_by=data.promised_by,
                due_date=data.due_date.isoformat(),
            ),
        ],
    )
    return commitment


async def get(session: AsyncSession, commitment_id: str, principal: Principal) -> Commitment:
    return await get_visible(
        session, Commitment, commitment_id, principal, noun="commitment", field="commitment_id"
    )


async def settle(
    session: AsyncSession,
    commitment: Commitment,
    complaint: Complaint,
    outcome: str,
    note: str | None,
    actor: str,
) -> Commitment:
    """Keep or withdraw an open commitment (a step on the complaint's timeline)."""
    assert outcome in OUTCOMES
    if commitment.status != "open":
        raise Conflict(f"commitment is already {commitment.status}", field="status")
    commitment.status = outcome
    commitment.settled_by = actor
    commitment.settled_at = utcnow()
    commitment.note = note
    add_step(session, complaint, f"commitment_{outcome}", actor, text=commitment.text, note=note)
    return commitment


async def open_commitments(session: AsyncSession, complaint_id: str) -> list[Commitment]:
    stmt = (
        select(Commitment)
        .where(Commitment.complaint_id == complaint_id, Commitment.status == "open")
        .order_by(Commitment.due_date)
    )
    return list((await session.scalars(stmt)).all())


def list_query(
    principal: Principal, *, status: str | None, complaint_id: str | None, property_id: str | None
) -> Select[tuple[Commitment]]:
    stmt = select(Commitment).order_by(Commitment.due_date, Commitment.id)
    stmt = scope_to_properties(stmt, Commitment.property_id, principal)
    if status:
        stmt = stmt.where(Commitment.status == status)
    if complaint_id:
        stmt = stmt.where(Commitment.complaint_id == complaint_id)
    if property_id:
        stmt = stmt.where(Commitment.property_id == property_id)
    return stmt
