"""Rules of complaints: intake, classification, identity, dispatch, answers, site visits,
escalation, cancellation, the callback's outcome (close or reopen), the departments' task
events and the overdue sweep. Routes, event handlers and tests call these.

Every transition goes through ``COMPLAINT.apply`` (``frontdesk.complaints.lifecycle``: the
transition table, the timeline step and the event); the version is checked in the UPDATE.
Commitments are in ``frontdesk.commitments``, callbacks in ``frontdesk.callbacks``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import get_args

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.callbacks import rounds
from frontdesk.complaints import deadlines, whereabouts
from frontdesk.complaints.lifecycle import COMPLAINT, DESK, add_step, changed, get, step
from frontdesk.complaints.models import (
    FINAL_STATES,
    OPEN_STATES,
    Complaint,
    ComplaintStep,
    SiteVisit,
)
from frontdesk.complaints.schemas import (
    ClassifyIn,
    ComplaintIn,
    ConfirmIdentityIn,
    Department,
    Nature,
    Priority,
    SiteVisitIn,
)
from frontdesk.parties.models import Party
from frontdesk.payment_status import service as payment_status
from frontdesk.register.models import Property, Unit
from frontdesk.settings import FrontdeskSettings
from propops.auth import Principal, check_property, scope_to_properties
from propops.db import new_id, utcnow
from propops.errors import Conflict, Invalid
from propops.events.payloads import ComplaintOverdue, ComplaintRerouted, SiteVisited
from propops.lifecycle import Event
from propops.lists import Filter, ListQuery, ListSpec, boolean, contains
from propops.messaging.outbox import emit
from propops.references import next_reference

__all__ = ["DESK", "add_step", "get"]

COMPLAINT_PREFIX = "C"  # C-2026-00042


# --- intake and classification ---------------------------------------------------------------


async def record(
    session: AsyncSession,
    settings: FrontdeskSettings,
    data: ComplaintIn,
    actor: str,
    principal: Principal | None = None,
    *,
    call_id: str | None = None,
    service_code: str | None = None,
    app_id: str | None = None,
) -> Complaint:
    prop = await session.get(Property, data.property_id)
    if prop is None:
        raise Invalid(f"property {data.property_id} does not exist", field="property_id")
    if principal is not None:
        check_property(principal, data.property_id)
    if data.unit_id is not None:
        unit = await session.get(Unit, data.unit_id)
        if unit is None or unit.property_id != data.property_id:
            raise Invalid(f"unit {data.unit_id} is not a unit of this property", field="unit_id")
    if data.party_id is not None and await session.get(Party, data.party_id) is None:
        raise Invalid(f"party {data.party_id} does not exist", field="party_id")
    now = utcnow()
    complaint = Complaint(
        **data.model_dump(),
        id=new_id(),
        reference=await next_reference(
            session, COMPLAINT_PREFIX, prop.id, time_zone=prop.time_zone
        ),
        status="recorded",
        priority="normal",
        created_by=actor,
        created_at=now,
        updated_at=now,
        call_id=call_id,
        service_code=service_code,
        requested_by_app=app_id,
        response_due=now,
        resolution_due=now,
        step_count=0,
    )
    deadlines.set_deadlines(complaint, settings)
    session.add(complaint)
    add_step(session, complaint, "recorded", actor, channel=data.channel)
    emit_changed(session, settings, complaint, "recorded", actor)
    await session.flush()
    return complaint


def emit_changed(
    session: AsyncSession,
    settings: FrontdeskSettings,
    complaint: Complaint,
    verb: str,
    actor: str | None,
) -> None:
    event = changed(complaint, verb, actor)
    emit(session, event.payload, subject=event.subject, event_type=event.event_type)


async def classify(
    session: AsyncSession,
    settings: FrontdeskSettings,
    complaint: Complaint,
    data: ClassifyIn,
    actor: str,
) -> Complaint:
    COMPLAINT.check(complaint, "classify")
    old_department = complaint.department
    rerouting = complaint.status in ("dispatched", "in_progress", "reopened") and (
        old_department is not None and old_department != data.department
    )
    if data.nature == "communication" and data.kind is None:
        raise Invalid(
            "kind (help, consult or vent) is required for a communication complaint", field="kind"
        )
    if data.nature == "valid" and data.kind is not None:
        raise Invalid("kind applies to communication complaints only", field="kind")
    if complaint.escalated and data.nature == "communication":
        raise Invalid("an escalated complaint stays valid", field="nature")
    complaint.nature = data.nature
    complaint.kind = data.kind
    complaint.priority = data.priority or complaint.priority
    complaint.department = data.department
    deadlines.set_deadlines(complaint, settings)
    steps = [
        step(
            complaint,
            "classified",
            actor,
            nature=data.nature,
            kind=data.kind,
            department=data.department,
            priority=complaint.priority,
        )
    ]
    events: list[Event] = []
    if rerouting:
        assert old_department is not None
        events.append(
            Event(
                ComplaintRerouted(
                    complaint_id=complaint.id,
                    from_department=old_department,
                    to_department=data.department,
                    actor=actor,
                    at=utcnow(),
                ),
                subject=complaint.id,
            )
        )
        steps.append(
            step(
                complaint,
                "rerouted",
                actor,
                from_department=old_department,
                to_department=data.department,
            )
        )
        complaint.task_id = None
        complaint.assignee = None
    await COMPLAINT.apply(
        session,
        complaint,
        "classify",
        # recorded -> classified; a reroute goes back to classified and is dispatched again
        to="classified" if rerouting or complaint.status == "recorded" else None,
        step=steps,
        events=lambda c: [*events, changed(c, "classified", actor)],
    )
    if rerouting:
        return await dispatch(session, settings, complaint, actor)
    return complaint


async def confirm_identity(
    session: AsyncSession, complaint: Complaint, data: ConfirmIdentityIn, actor: str
) -> payment_status.PaymentStatus:
    COMPLAINT.check(complaint, "confirm_identity")
    if await session.get(Party, data.party_id) is None:
        raise Invalid(f"party {data.party_id} does not exist", field="party_id")
    status = await payment_status.of_unit(session, complaint.unit_id)
    complaint.identity_party_id = data.party_id
    complaint.party_id = complaint.party_id or data.party_id
    complaint.identity_document_checked = data.document_checked
    complaint.identity_confirmed_at = utcnow()
    complaint.payment_status_at_identity = status.status
    complaint.overdue_at_identity = status.overdue_amount
    await COMPLAINT.apply(
        session,
        complaint,
        "confirm_identity",
        step=lambda c: step(
            c,
            "identity_confirmed",
            actor,
            party_id=data.party_id,
            document_checked=data.document_checked,
            payment_status=status.status,
            overdue_amount=status.model_dump(mode="json")["overdue_amount"],
        ),
    )
    return status


def _require_identity(complaint: Complaint) -> None:
    if complaint.nature == "communication" and complaint.identity_confirmed_at is None:
        raise Conflict(
            "confirm the complainant's identity first (communication complaint)", field="identity"
        )


# --- dispatch, answer, desk work ----------------------------------------------------------------


async def dispatch(
    session: AsyncSession, settings: FrontdeskSettings, complaint: Complaint, actor: str
) -> Complaint:
    COMPLAINT.check(complaint, "dispatch")
    _require_identity(complaint)
    assert complaint.department is not None
    complaint.responded_at = complaint.responded_at or utcnow()
    # what the department needs without asking the desk: copied into the event
    place = await whereabouts.place_of(session, complaint)
    contact = await whereabouts.contact_of(session, complaint)
    await COMPLAINT.apply(
        session,
        complaint,
        "dispatch",
        # the desk works its own complaints: no task elsewhere, straight to in progress
        to="in_progress" if complaint.department == DESK else "dispatched",
        step=lambda c: step(
            c, "dispatched", actor, department_to=c.department, assignee=c.assignee
        ),
        events=lambda c: [changed(c, "dispatched", actor, place=place, contact=contact)],
    )
    return complaint


async def answer(
    session: AsyncSession, settings: FrontdeskSettings, complaint: Complaint, text: str, actor: str
) -> Complaint:
    COMPLAINT.check(complaint, "answer")
    if complaint.kind != "consult":
        raise Conflict("only a consult can be answered at the desk", field="kind")
    _require_identity(complaint)
    now = utcnow()
    complaint.answer = text
    complaint.responded_at = complaint.responded_at or now
    complaint.resolved_at = now
    await COMPLAINT.apply(
        session,
        complaint,
        "answer",
        step=lambda c: step(c, "answered", actor, answer=text),
        events=lambda c: [changed(c, "answered", actor)],
    )
    await rounds.open_callback(session, settings, complaint)
    return complaint


async def resolve_at_desk(
    session: AsyncSession, settings: FrontdeskSettings, complaint: Complaint, notes: str, actor: str
) -> Complaint:
    if complaint.department != DESK:
        raise Conflict(
            f"this complaint is worked by {complaint.department}; it is resolved when "
            "their task is completed",
            field="department",
        )
    return await _resolved(session, settings, complaint, notes, actor, DESK, "resolve")


async def _resolved(
    session: AsyncSession,
    settings: FrontdeskSettings,
    complaint: Complaint,
    notes: str | None,
    actor: str | None,
    department: str,
    action: str,
) -> Complaint:
    COMPLAINT.check(complaint, action)
    complaint.resolved_at = utcnow()
    complaint.resolution_notes = notes
    await COMPLAINT.apply(
        session,
        complaint,
        action,
        step=lambda c: step(c, "resolved", actor, department, notes=notes),
        events=lambda c: [changed(c, "resolved", actor)],
    )
    await rounds.open_callback(session, settings, complaint)
    return complaint


# --- valid complaints: site visits and escalation ---------------------------------------------


async def site_visit(
    session: AsyncSession,
    settings: FrontdeskSettings,
    complaint: Complaint,
    data: SiteVisitIn,
    actor: str,
) -> SiteVisit:
    if complaint.nature != "valid":
        raise Conflict(
            "site visits are for valid complaints (classify or escalate first)", field="nature"
        )
    COMPLAINT.check(complaint, "site_visit")
    if data.visited_at > utcnow() + timedelta(minutes=5):
        raise Invalid("visited_at is in the future", field="visited_at")
    assert complaint.department is not None
    visit = SiteVisit(
        complaint_id=complaint.id,
        department_head=data.department_head,
        visited_at=data.visited_at,
        findings=data.findings,
        recorded_by=actor,
    )
    session.add(visit)
    complaint.assignee = data.department_head
    await COMPLAINT.apply(
        session,
        complaint,
        "site_visit",
        step=lambda c: step(
            c,
            "site_visit",
            actor,
            department_head=data.department_head,
            findings=data.findings,
        ),
        events=[
            Event(
                SiteVisited(
                    complaint_id=complaint.id,
                    department=complaint.department,
                    department_head=data.department_head,
                    visited_at=data.visited_at,
                    findings=data.findings,
                ),
                subject=complaint.id,
            )
        ],
    )
    return visit


async def escalate(
    session: AsyncSession,
    settings: FrontdeskSettings,
    complaint: Complaint,
    reason: str,
    actor: str,
) -> Complaint:
    COMPLAINT.check(complaint, "escalate")
    if complaint.nature != "communication":
        raise Conflict(
            "only a communication complaint can be escalated to a valid one", field="nature"
        )
    previous_kind = complaint.kind
    complaint.nature = "valid"
    complaint.kind = None
    complaint.escalated = True
    complaint.escalation_reason = reason
    deadlines.set_deadlines(
        complaint,
        settings,
        resolution_from=complaint.created_at if complaint.reopen_count == 0 else utcnow(),
    )
    complaint.response_overdue_notified = False
    complaint.resolution_overdue_notified = False
    await COMPLAINT.apply(
        session,
        complaint,
        "escalate",
        step=lambda c: step(c, "escalated", actor, reason=reason, previous_kind=previous_kind),
        events=lambda c: [changed(c, "escalated", actor, reason=reason)],
    )
    return complaint


async def cancel(
    session: AsyncSession,
    settings: FrontdeskSettings,
    complaint: Complaint,
    reason: str,
    actor: str,
) -> Complaint:
    COMPLAINT.check(complaint, "cancel")
    await rounds.close_due(session, complaint, outcome="cancelled")
    await COMPLAINT.apply(
        session,
        complaint,
        "cancel",
        step=lambda c: step(c, "cancelled", actor, reason=reason),
        events=lambda c: [changed(c, "cancelled", actor, reason=reason)],
    )
    return complaint


# --- the callback's outcome -------------------------------------------------------------------


async def close(
    session: AsyncSession, settings: FrontdeskSettings, complaint: Complaint, actor: str
) -> None:
    COMPLAINT.check(complaint, "close")
    complaint.closed_at = utcnow()
    await COMPLAINT.apply(
        session,
        complaint,
        "close",
        step=lambda c: step(c, "closed", actor),
        events=lambda c: [changed(c, "closed", actor)],
    )


async def reopen(
    session: AsyncSession,
    settings: FrontdeskSettings,
    complaint: Complaint,
    actor: str,
    reason: str,
) -> None:
    COMPLAINT.check(complaint, "reopen")
    complaint.reopen_count += 1
    complaint.resolved_at = None
    deadlines.set_deadlines(complaint, settings, resolution_from=utcnow())
    complaint.resolution_overdue_notified = False
    await COMPLAINT.apply(
        session,
        complaint,
        "reopen",
        step=lambda c: step(c, "reopened", actor, reason=reason),
        events=lambda c: [changed(c, "reopened", actor, reason=reason)],
    )
    if complaint.department == DESK and complaint.answer is None:
        # the desk picks its own work up again at once
        await COMPLAINT.apply(
            session,
            complaint,
            "start",
            step=lambda c: step(c, "started", actor),
            events=lambda c: [changed(c, "started", actor)],
        )


# --- department task events ---------------------------------------------------------------------


async def on_task_event(
    session: AsyncSession,
    settings: FrontdeskSettings,
    *,
    verb: str,
    complaint_id: str,
    department: str,
    task_id: str,
    actor: str | None,
    assignee: str | None,
    notes: str | None,
    task_reference: str | None = None,
) -> None:
    """A department's task changed: write the timeline and move the complaint along."""
    complaint = await session.get(Complaint, complaint_id)
    if complaint is None:
        return  # not ours (or long gone): nothing to follow
    stale = department != complaint.department
    task_step = step(
        complaint,
        f"task_{verb}",
        actor,
        department,
        task_id=task_id,
        task_reference=task_reference,
        assignee=assignee,
        notes=notes,
        stale=True if stale else None,
    )
    if stale or complaint.status in FINAL_STATES:
        session.add(task_step)  # e.g. the old department's task after a reroute
        return
    if assignee and complaint.assignee != assignee:
        complaint.assignee = assignee  # who works on it, as the department says
    if verb == "started" and COMPLAINT.can(complaint.status, "start"):
        await COMPLAINT.apply(
            session,
            complaint,
            "start",
            step=task_step,
            events=lambda c: [changed(c, "started", actor)],
        )
        return
    session.add(task_step)
    if verb == "created":
        complaint.task_id = task_id
    elif verb == "completed" and COMPLAINT.can(complaint.status, "task_completed"):
        await _resolved(session, settings, complaint, notes, actor, department, "task_completed")


# --- overdue --------------------------------------------------------------------------------------


async def publish_overdue(
    session: AsyncSession, settings: FrontdeskSettings, now: datetime | None = None
) -> int:
    """Publish one overdue event per missed deadline; returns how many were published."""
    now = now or utcnow()
    published = 0
    for which, predicate, flag in (
        ("response", deadlines.response_overdue(now), Complaint.response_overdue_notified),
        ("resolution", deadlines.resolution_overdue(now), Complaint.resolution_overdue_notified),
    ):
        rows = (
            await session.scalars(select(Complaint).where(predicate, flag.is_(False)).limit(500))
        ).all()
        for complaint in rows:
            due = complaint.response_due if which == "response" else complaint.resolution_due
            setattr(complaint, flag.key, True)
            emit(
                session,
                ComplaintOverdue(
                    complaint_id=complaint.id,
                    property_id=complaint.property_id,
                    deadline=which,
                    due=due,
                    status=complaint.status,
                    nature=complaint.nature,
                    priority=complaint.priority,
                    department=complaint.department,
                ),
                subject=complaint.id,
            )
            add_step(session, complaint, "overdue", None, deadline=which, due=due.isoformat())
            published += 1
    return published


# --- queries --------------------------------------------------------------------------------------


OPEN = "open"  # status=open: every state that is not final


def _status(value: str) -> ColumnElement[bool]:
    if value == OPEN:
        return Complaint.status.not_in(FINAL_STATES)
    return Complaint.status == value


def _search(word: str) -> ColumnElement[bool]:
    """A word of q= in the complaint's text, its unit (building, number) or its complainant."""
    return or_(
        contains(Complaint.search_text)(word),
        Complaint.unit_id.in_(select(Unit.id).where(contains(Unit.search_text)(word))),
        Complaint.party_id.in_(select(Party.id).where(contains(Party.search_text)(word))),
    )


LIST = ListSpec(
    filters=(
        Filter("property_id", column=Complaint.property_id, max_length=36),
        Filter(
            "status",
            where=_status,
            values=(OPEN, *OPEN_STATES, *FINAL_STATES),
            description="a state, or open: every state but closed and cancelled",
        ),
        Filter("nature", column=Complaint.nature, values=get_args(Nature)),
        Filter("department", column=Complaint.department, values=get_args(Department)),
        Filter("priority", column=Complaint.priority, values=get_args(Priority)),
        Filter("unit_id", column=Complaint.unit_id, max_length=36),
        Filter("party_id", column=Complaint.party_id, max_length=36),
        Filter(
            "reference",
            where=lambda value: Complaint.reference == value.strip().upper(),
            max_length=20,
            description="exactly this reference, e.g. C-2026-00042 (any case)",
        ),
        Filter(
            "overdue",
            type=bool,
            where=boolean(lambda: deadlines.overdue(utcnow())),
            description="only complaints past a deadline",
        ),
    ),
    sort={
        "created_at": Complaint.created_at,
        "reference": Complaint.reference,
        "updated_at": Complaint.updated_at,
        "status": Complaint.status,
        "priority": Complaint.priority,
        "response_due": Complaint.response_due,
        "resolution_due": Complaint.resolution_due,
    },
    default_sort="-created_at",
    id_column=Complaint.id,
    search=_search,
    search_description="words in the description, location, unit (building, number) or the "
    "complainant's name or phone; case- and width-insensitive",
)


def list_query(principal: Principal, query: ListQuery | None = None) -> Select[tuple[Complaint]]:
    stmt = scope_to_properties(select(Complaint), Complaint.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())


async def timeline(session: AsyncSession, complaint_id: str) -> list[ComplaintStep]:
    stmt = (
        select(ComplaintStep)
        .where(ComplaintStep.complaint_id == complaint_id)
        .order_by(ComplaintStep.seq)
    )
    return list((await session.scalars(stmt)).all())


async def site_visits(session: AsyncSession, complaint_id: str) -> list[SiteVisit]:
    stmt = (
        select(SiteVisit)
        .where(SiteVisit.complaint_id == complaint_id)
        .order_by(SiteVisit.visited_at)
    )
    return list((await session.scalars(stmt)).all())
