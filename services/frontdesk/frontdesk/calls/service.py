"""Rules of the phone log: register every call; an unanswered question stays open until it is
followed up; a call can become a complaint."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.calls.models import Call
from frontdesk.calls.schemas import CallIn, CallToComplaintIn
from frontdesk.complaints import service as complaints
from frontdesk.complaints.models import Complaint
from frontdesk.complaints.schemas import ComplaintIn
from frontdesk.parties.models import Party
from frontdesk.register.models import Property, Unit
from frontdesk.settings import FrontdeskSettings
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.db import utcnow
from propops.errors import Conflict, Invalid
from propops.lists import Filter, ListQuery, ListSpec

# A call's status: open (a question to follow up), closed (answered on the call),
# followed_up (the open question was answered later), complaint (it became a complaint).
OPEN = "open"
CLOSED = "closed"
FOLLOWED_UP = "followed_up"
TURNED_INTO_COMPLAINT = "complaint"
STATUSES = (OPEN, CLOSED, FOLLOWED_UP, TURNED_INTO_COMPLAINT)


async def log_call(session: AsyncSession, data: CallIn, actor: str, principal: Principal) -> Call:
    if await session.get(Property, data.property_id) is None:
        raise Invalid(f"property {data.property_id} does not exist", field="property_id")
    check_property(principal, data.property_id)
    if data.unit_id is not None and await session.get(Unit, data.unit_id) is None:
        raise Invalid(f"unit {data.unit_id} does not exist", field="unit_id")
    if data.party_id is not None and await session.get(Party, data.party_id) is None:
        raise Invalid(f"party {data.party_id} does not exist", field="party_id")
    call = Call(
        **data.model_dump(), taken_by=actor, status=CLOSED if data.answered_on_call else OPEN
    )
    session.add(call)
    await session.flush()
    return call


async def get_call(session: AsyncSession, call_id: str, principal: Principal) -> Call:
    return await get_visible(session, Call, call_id, principal, noun="call", field="call_id")


async def follow_up(session: AsyncSession, call: Call, notes: str, actor: str) -> Call:
    if call.status != OPEN:
        raise Conflict(f"this call has no open question (it is {call.status})", field="status")
    call.status = FOLLOWED_UP
    call.follow_up_notes = notes
    call.followed_up_by = actor
    call.followed_up_at = utcnow()
    return call


async def to_complaint(
    session: AsyncSession,
    settings: FrontdeskSettings,
    call: Call,
    data: CallToComplaintIn,
    actor: str,
    principal: Principal,
) -> Complaint:
    if call.complaint_id is not None:
        raise Conflict(f"this call is already complaint {call.complaint_id}", field="complaint_id")
    complaint = await complaints.record(
        session,
        settings,
        ComplaintIn(
            property_id=call.property_id,
            unit_id=call.unit_id,
            party_id=call.party_id,
            channel=data.channel,
            description=data.description or call.summary,
            location=data.location,
        ),
        actor,
        principal,
        call_id=call.id,
    )
    call.complaint_id = complaint.id
    call.status = TURNED_INTO_COMPLAINT
    return complaint


LIST = ListSpec(
    filters=(
        Filter("status", column=Call.status, values=STATUSES),
        Filter("property_id", column=Call.property_id, max_length=36),
        Filter("unit_id", column=Call.unit_id, max_length=36),
        Filter("party_id", column=Call.party_id, max_length=36),
    ),
    sort={"created_at": Call.created_at, "status": Call.status},
    default_sort="-created_at",
    id_column=Call.id,
)


def list_calls(principal: Principal, query: ListQuery | None = None) -> Select[tuple[Call]]:
    stmt = scope_to_properties(select(Call), Call.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())
