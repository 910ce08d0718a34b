"""Rules of callbacks (回訪): recording the call back to the resident, whose outcome closes the
complaint (satisfied, 4-5 of 5) or reopens it; and the list. Rounds are opened and closed by
the complaint's rules (``callbacks.rounds``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.callbacks.models import Callback
from frontdesk.commitments import service as commitments
from frontdesk.complaints import service as complaints
from frontdesk.complaints import whereabouts
from frontdesk.complaints.lifecycle import add_step
from frontdesk.complaints.models import Complaint
from frontdesk.paid_services import service as paid_services
from frontdesk.settings import FrontdeskSettings
from propops.auth import Principal, get_visible, scope_to_properties
from propops.db import utcnow
from propops.errors import Conflict, Invalid
from propops.lists import Filter, ListQuery, ListSpec, boolean
from propops.masking import phone_for, summary_of


class CallbackItem(Protocol):
    """What ``with_complainants`` fills in on each callback item."""

    complaint_id: str | None
    paid_service_id: str | None
    paid_service_reference: str | None
    complaint_reference: str | None
    summary: str | None
    complainant_name: str | None
    complainant_phone: str | None


async def get(session: AsyncSession, callback_id: str, principal: Principal) -> Callback:
    return await get_visible(
        session, Callback, callback_id, principal, noun="callback", field="callback_id"
    )


async def record(
    session: AsyncSession,
    settings: FrontdeskSettings,
    callback: Callback,
    complaint: Complaint,
    *,
    reached: bool,
    satisfaction: int | None,
    comment: str | None,
    actor: str,
) -> Callback:
    """One call back to the resident: an attempt, or (reached) the outcome."""
    if callback.status != "due":
        raise Conflict("this callback is already done", field="status")
    now = utcnow()
    attempt = {"at": now.isoformat(), "by": actor, "reached": reached, "comment": comment}
    if not reached:
        callback.attempts = [*callback.attempts, attempt]
        add_step(session, complaint, "callback_attempt", actor, reached=False, comment=comment)
        return callback
    if satisfaction is None:
        raise Invalid(
            "satisfaction (1-5) is required when the resident was reached", field="satisfaction"
        )
    attempt["satisfaction"] = satisfaction
    satisfied = satisfaction >= 4
    if satisfied:
        pending = await commitments.open_commitments(session, complaint.id)
        if pending:
            raise Conflict(
                f"{len(pending)} open commitment(s) must be kept or withdrawn before the "
                "complaint closes",
                field="commitments",
                open_commitments=[c.id for c in pending],
            )
    callback.attempts = [*callback.attempts, attempt]
    callback.reached = True
    callback.satisfaction = satisfaction
    callback.comment = comment
    callback.status = "done"
    callback.done_at = now
    callback.recorded_by = actor
    callback.outcome = "closed" if satisfied else "reopened"
    add_step(
        session,
        complaint,
        "callback_recorded",
        actor,
        reached=True,
        satisfaction=satisfaction,
        comment=comment,
    )
    if satisfied:
        await complaints.close(session, settings, complaint, actor)
    else:
        await complaints.reopen(
            session,
            settings,
            complaint,
            actor,
            f"unsatisfied callback ({satisfaction}/5): {comment or ''}".strip(),
        )
    return callback


async def record_for_paid_service(
    session: AsyncSession,
    callback: Callback,
    *,
    reached: bool,
    satisfaction: int | None,
    comment: str | None,
    actor: str,
) -> Callback:
    """The call back after a paid service: an attempt, or (reached) how satisfied the resident
    is (1-5), on the paid service's history. Nothing reopens: the work was signed for."""
    if callback.status != "due":
        raise Conflict("this callback is already done", field="status")
    if reached and satisfaction is None:
        raise Invalid(
            "satisfaction (1-5) is required when the resident was reached", field="satisfaction"
        )
    now = utcnow()
    attempt = {"at": now.isoformat(), "by": actor, "reached": reached, "comment": comment}
    if reached:
        attempt["satisfaction"] = satisfaction
        callback.reached = True
        callback.satisfaction = satisfaction
        callback.comment = comment
        callback.status = "done"
        callback.done_at = now
        callback.recorded_by = actor
        callback.outcome = "closed" if (satisfaction or 0) >= 4 else "unsatisfied"
    callback.attempts = [*callback.attempts, attempt]
    assert callback.paid_service_id is not None
    await paid_services.callback_recorded(
        session, callback.paid_service_id, actor, reached, satisfaction, comment
    )
    return callback


def overdue() -> ColumnElement[bool]:
    """Due and past its time."""
    return and_(Callback.status == "due", Callback.due_at < utcnow())


LIST = ListSpec(
    filters=(
        Filter("status", column=Callback.status, values=("due", "done")),
        Filter("complaint_id", column=Callback.complaint_id, max_length=36),
        Filter("paid_service_id", column=Callback.paid_service_id, max_length=36),
        Filter("property_id", column=Callback.property_id, max_length=36),
        Filter(
            "overdue",
            type=bool,
            where=boolean(overdue),
            description="only callbacks still due past their time (false: the others)",
        ),
    ),
    sort={"due_at": Callback.due_at, "created_at": Callback.created_at},
    default_sort="due_at",
    id_column=Callback.id,
)


def list_query(principal: Principal, query: ListQuery | None = None) -> Select[tuple[Callback]]:
    stmt = scope_to_properties(select(Callback), Callback.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())


async def with_complainants(
    session: AsyncSession, items: Sequence[CallbackItem], principal: Principal
) -> None:
    """Fill in on each item who to call and about what: the complainant's name and phone (in
    full for the front desk, who dials it; masked for others), the complaint's reference and
    the first line of its description."""
    ids = {item.complaint_id for item in items if item.complaint_id}
    await paid_services.with_paid_services(session, items, principal)
    if not ids:
        return
    found = {
        c.id: c for c in (await session.scalars(select(Complaint).where(Complaint.id.in_(ids))))
    }
    contacts = {cid: await whereabouts.contact_of(session, c) for cid, c in found.items()}
    for item in items:
        complaint = found.get(item.complaint_id)
        contact = contacts.get(item.complaint_id)
        if complaint is None:
            continue
        item.complaint_reference = complaint.reference
        item.summary = summary_of(complaint.description)
        item.complainant_name = contact.name if contact else None
        item.complainant_phone = phone_for(contact.phone, principal.roles) if contact else None
