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
from propops.lists import Filter, ListQuery, ListSpec

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


LIST = ListSpec(
    filters=(
        Filter("status", column=Commitment.status, values=("open", *OUTCOMES)),
        Filter("complaint_id", column=Commitment.complaint_id, max_length=36),
        Filter("property_id", column=Commitment.property_id, max_length=36),
    ),
    sort={"due_date": Commitment.due_date, "created_at": Commitment.created_at},
    default_sort="due_date",
    id_column=Commitment.id,
)


def list_query(principal: Principal, query: ListQuery | None = None) -> Select[tuple[Commitment]]:
    stmt = scope_to_properties(select(Commitment), Commitment.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())
