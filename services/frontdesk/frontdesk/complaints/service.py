"""Rules of complaints: the state machine, deadlines, identity, escalation, commitments,
site visits, callbacks and the timeline. Routes, event handlers and tests call these.

States: recorded -> classified -> dispatched (or answered) -> in_progress -> resolved -> closed,
with reopened -> in_progress (or answered/dispatched again) and cancelled. Every transition is
one ``propops.frontdesk.complaint.<verb>.v1`` event, stored with the change.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.callbacks.models import Callback
from frontdesk.complaints import deadlines
from frontdesk.complaints.models import (
    FINAL_STATES,
    Commitment,
    Complaint,
    ComplaintStep,
    SiteVisit,
)
from frontdesk.complaints.schemas import (
    ClassifyIn,
    CommitmentIn,
    ComplaintIn,
    ConfirmIdentityIn,
    SiteVisitIn,
)
from frontdesk.parties.models import Party
from frontdesk.payment_status import service as payment_status
from frontdesk.register.models import Property, Unit
from frontdesk.settings import FrontdeskSettings
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.db import utcnow
from propops.errors import Conflict, Invalid
from propops.events.catalog import complaint_event_type
from propops.events.payloads import (
    ComplaintChanged,
    ComplaintOverdue,
    ComplaintRerouted,
    SiteVisited,
)
from propops.messaging.outbox import emit

DESK = "frontdesk"


# --- helpers ---------------------------------------------------------------------------------


async def add_step(
    session: AsyncSession,
    complaint_id: str,
    action: str,
    actor: str | None,
    department: str = DESK,
    **details: object,
) -> None:
    seq = await session.scalar(
        select(func.coalesce(func.max(ComplaintStep.seq), 0)).where(
            ComplaintStep.complaint_id == complaint_id
        )
    )
    clean = {k: v for k, v in details.items() if v is not None}
    session.add(
        ComplaintStep(
            complaint_id=complaint_id,
            seq=int(seq or 0) + 1,
            at=utcnow(),
            actor=actor,
            action=action,
            department=department,
            details=clean,
        )
    )


def publish(
    session: AsyncSession,
    settings: FrontdeskSettings,
    complaint: Complaint,
    verb: str,
    actor: str | None,
    reason: str | None = None,
) -> None:
    payload = ComplaintChanged(
        complaint_id=complaint.id,
        property_id=complaint.property_id,
        unit_id=complaint.unit_id,
        status=complaint.status,
        nature=complaint.nature,
        kind=complaint.kind,
        department=complaint.department,
        priority=complaint.priority,
        description=complaint.description,
        location=complaint.location,
        actor=actor,
        reason=reason,
        assignee=complaint.assignee,
        response_due=complaint.response_due,
        resolution_due=complaint.resolution_due,
        at=utcnow(),
    )
    emit(
        session,
        payload,
        subject=complaint.id,
        event_type=complaint_event_type(verb),
    )


def require_state(complaint: Complaint, action: str, *allowed: str) -> None:
    if complaint.status not in allowed:
        raise Conflict(
            f"complaint is {complaint.status}; cannot {action} (allowed from: "
            f"{', '.join(allowed)})",
            field="status",
            current_status=complaint.status,
        )


def check_version(complaint: Complaint, expected: int | None) -> None:
    if expected is not None and expected != complaint.version:
        raise Conflict(
            f"complaint was changed meanwhile (version {complaint.version}, not {expected})",
            field="version",
            current_version=complaint.version,
        )


def _touch(complaint: Complaint) -> None:
    complaint.version += 1
    complaint.updated_at = utcnow()


async def get(
    session: AsyncSession, complaint_id: str, principal: Principal | None = None
) -> Complaint:
    return await get_visible(
        session, Complaint, complaint_id, principal, noun="complaint", field="complaint_id"
    )


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
    if await session.get(Property, data.property_id) is None:
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
    )
    deadlines.set_deadlines(complaint, settings)
    session.add(complaint)
    await session.flush()
    await add_step(session, complaint.id, "recorded", actor, channel=data.channel)
    publish(session, settings, complaint, "recorded", actor)
    return complaint


async def classify(
    session: AsyncSession,
    settings: FrontdeskSettings,
    complaint: Complaint,
    data: ClassifyIn,
    actor: str,
) -> Complaint:
    require_state(
        complaint, "classify", "recorded", "classified", "dispatched", "in_progress", "reopened"
    )
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
    _touch(complaint)
    await add_step(
        session,
        complaint.id,
        "classified",
        actor,
        nature=data.nature,
        kind=data.kind,
        department=data.department,
        priority=complaint.priority,
    )
    if rerouting:
        assert old_department is not None
        emit(
            session,
            ComplaintRerouted(
                complaint_id=complaint.id,
                from_department=old_department,
                to_department=data.department,
                actor=actor,
                at=utcnow(),
            ),
            subject=complaint.id,
        )
        await add_step(
            session,
            complaint.id,
            "rerouted",
            actor,
            from_department=old_department,
            to_department=data.department,
        )
        complaint.task_id = None
        complaint.assignee = None
        complaint.status = "classified"
        publish(session, settings, complaint, "classified", actor)
        return await dispatch(session, settings, complaint, actor)
    if complaint.status == "recorded":
        complaint.status = "classified"
    publish(session, settings, complaint, "classified", actor)
    return complaint


async def confirm_identity(
    session: AsyncSession, complaint: Complaint, data: ConfirmIdentityIn, actor: str
) -> payment_status.PaymentStatus:
    if complaint.status in FINAL_STATES:
        raise Conflict(f"complaint is {complaint.status}", field="status")
    if await session.get(Party, data.party_id) is None:
        raise Invalid(f"party {data.party_id} does not exist", field="party_id")
    status = await payment_status.of_unit(session, complaint.unit_id)
    complaint.identity_party_id = data.party_id
    complaint.party_id = complaint.party_id or data.party_id
    complaint.identity_document_checked = data.document_checked
    complaint.identity_confirmed_at = utcnow()
    complaint.payment_status_at_identity = status.status
    complaint.overdue_at_identity = status.overdue_amount
    _touch(complaint)
    await add_step(
        session,
        complaint.id,
        "identity_confirmed",
        actor,
        party_id=data.party_id,
        document_checked=data.document_checked,
        payment_status=status.status,
        overdue_amount=status.model_dump(mode="json")["overdue_amount"],
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
    require_state(complaint, "dispatch", "classified", "reopened")
    _require_identity(complaint)
    assert complaint.department is not None
    now = utcnow()
    complaint.responded_at = complaint.responded_at or now
    # the desk works its own complaints: no task elsewhere, straight to in progress
    complaint.status = "in_progress" if complaint.department == DESK else "dispatched"
    _touch(complaint)
    await add_step(
        session,
        complaint.id,
        "dispatched",
        actor,
        department_to=complaint.department,
        assignee=complaint.assignee,
    )
    publish(session, settings, complaint, "dispatched", actor)
    return complaint


async def answer(
    session: AsyncSession, settings: FrontdeskSettings, complaint: Complaint, text: str, actor: str
) -> Complaint:
    require_state(complaint, "answer", "classified", "reopened")
    if complaint.kind != "consult":
        raise Conflict("only a consult can be answered at the desk", field="kind")
    _require_identity(complaint)
    now = utcnow()
    complaint.answer = text
    complaint.responded_at = complaint.responded_at or now
    complaint.resolved_at = now
    complaint.status = "answered"
    _touch(complaint)
    await add_step(session, complaint.id, "answered", actor, answer=text)
    publish(session, settings, complaint, "answered", actor)
    await open_callback(session, settings, complaint)
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
    require_state(complaint, "resolve", "in_progress")
    return await _resolved(session, settings, complaint, notes, actor, DESK)


async def _resolved(
    session: AsyncSession,
    settings: FrontdeskSettings,
    complaint: Complaint,
    notes: str | None,
    actor: str | None,
    department: str,
) -> Complaint:
    complaint.status = "resolved"
    complaint.resolved_at = utcnow()
    complaint.resolution_notes = notes
    _touch(complaint)
    await add_step(session, complaint.id, "resolved", actor, department, notes=notes)
    publish(session, settings, complaint, "resolved", actor)
    await open_callback(session, settings, complaint)
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
    require_state(
        complaint, "record a site visit", "classified", "dispatched", "in_progress", "reopened"
    )
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
    _touch(complaint)
    await add_step(
        session,
        complaint.id,
        "site_visit",
        actor,
        department_head=data.department_head,
        findings=data.findings,
    )
    emit(
        session,
        SiteVisited(
            complaint_id=complaint.id,
            department=complaint.department,
            department_head=data.department_head,
            visited_at=data.visited_at,
            findings=data.findings,
        ),
        subject=complaint.id,
    )
    await session.flush()
    return visit


async def escalate(
    session: AsyncSession,
    settings: FrontdeskSettings,
    complaint: Complaint,
    reason: str,
    actor: str,
) -> Complaint:
    if complaint.status in FINAL_STATES:
        raise Conflict(f"complaint is {complaint.status}; cannot escalate", field="status")
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
    _touch(complaint)
    await add_step(
        session, complaint.id, "escalated", actor, reason=reason, previous_kind=previous_kind
    )
    publish(session, settings, complaint, "escalated", actor, reason=reason)
    return complaint


async def cancel(
    session: AsyncSession,
    settings: FrontdeskSettings,
    complaint: Complaint,
    reason: str,
    actor: str,
) -> Complaint:
    require_state(
        complaint,
        "cancel",
        "recorded",
        "classified",
        "dispatched",
        "answered",
        "in_progress",
        "resolved",
        "reopened",
    )
    complaint.status = "cancelled"
    _touch(complaint)
    for callback in await _due_callbacks(session, complaint.id):
        callback.status = "done"
        callback.outcome = "cancelled"
        callback.done_at = utcnow()
    await add_step(session, complaint.id, "cancelled", actor, reason=reason)
    publish(session, settings, complaint, "cancelled", actor, reason=reason)
    return complaint


# --- commitments ----------------------------------------------------------------------------


async def add_commitment(
    session: AsyncSession, complaint: Complaint, data: CommitmentIn, actor: str
) -> Commitment:
    if complaint.status in FINAL_STATES:
        raise Conflict(f"complaint is {complaint.status}", field="status")
    commitment = Commitment(
        complaint_id=complaint.id, property_id=complaint.property_id, **data.model_dump()
    )
    session.add(commitment)
    await add_step(
        session,
        complaint.id,
        "commitment_made",
        actor,
        text=data.text,
        promised_by=data.promised_by,
        due_date=data.due_date.isoformat(),
    )
    await session.flush()
    return commitment


async def settle_commitment(
    session: AsyncSession,
    commitment_id: str,
    outcome: str,
    note: str | None,
    actor: str,
    principal: Principal,
) -> Commitment:
    commitment = await get_visible(
        session, Commitment, commitment_id, principal, noun="commitment", field="commitment_id"
    )
    if commitment.status != "open":
        raise Conflict(f"commitment is already {commitment.status}", field="status")
    commitment.status = outcome
    commitment.settled_by = actor
    commitment.settled_at = utcnow()
    commitment.note = note
    await add_step(
        session,
        commitment.complaint_id,
        f"commitment_{outcome}",
        actor,
        text=commitment.text,
        note=note,
    )
    return commitment


async def open_commitments(session: AsyncSession, complaint_id: str) -> list[Commitment]:
    stmt = (
        select(Commitment)
        .where(Commitment.complaint_id == complaint_id, Commitment.status == "open")
        .order_by(Commitment.due_date)
    )
    return list((await session.scalars(stmt)).all())


def list_commitments(
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


# --- callbacks --------------------------------------------------------------------------------


async def open_callback(
    session: AsyncSession, settings: FrontdeskSettings, complaint: Complaint
) -> Callback:
    """One callback per resolution round (the round is the complaint's reopen count)."""
    existing = await session.scalar(
        select(Callback).where(
            Callback.complaint_id == complaint.id, Callback.round == complaint.reopen_count
        )
    )
    if existing is not None:
        return existing
    callback = Callback(
        complaint_id=complaint.id,
        property_id=complaint.property_id,
        round=complaint.reopen_count,
        status="due",
        due_at=utcnow() + timedelta(hours=settings.callback_due_hours),
        attempts=[],
    )
    session.add(callback)
    await session.flush()
    await add_step(
        session, complaint.id, "callback_opened", None, due_at=callback.due_at.isoformat()
    )
    return callback


async def _due_callbacks(session: AsyncSession, complaint_id: str) -> list[Callback]:
    stmt = select(Callback).where(Callback.complaint_id == complaint_id, Callback.status == "due")
    return list((await session.scalars(stmt)).all())


async def record_callback(
    session: AsyncSession,
    settings: FrontdeskSettings,
    callback_id: str,
    *,
    reached: bool,
    satisfaction: int | None,
    comment: str | None,
    actor: str,
    principal: Principal,
) -> Callback:
    callback = await get_visible(
        session, Callback, callback_id, principal, noun="callback", field="callback_id"
    )
    if callback.status != "due":
        raise Conflict("this callback is already done", field="status")
    complaint = await get(session, callback.complaint_id)
    now = utcnow()
    attempt = {"at": now.isoformat(), "by": actor, "reached": reached, "comment": comment}
    if not reached:
        callback.attempts = [*callback.attempts, attempt]
        await add_step(
            session, complaint.id, "callback_attempt", actor, reached=False, comment=comment
        )
        return callback
    if satisfaction is None:
        raise Invalid(
            "satisfaction (1-5) is required when the resident was reached", field="satisfaction"
        )
    attempt["satisfaction"] = satisfaction
    satisfied = satisfaction >= 4
    if satisfied:
        pending = await open_commitments(session, complaint.id)
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
    await add_step(
        session,
        complaint.id,
        "callback_recorded",
        actor,
        reached=True,
        satisfaction=satisfaction,
        comment=comment,
    )
    if satisfied:
        await _close(session, settings, complaint, actor)
    else:
        await _reopen(
            session,
            settings,
            complaint,
            actor,
            f"unsatisfied callback ({satisfaction}/5): {comment or ''}".strip(),
        )
    return callback


async def _close(
    session: AsyncSession, settings: FrontdeskSettings, complaint: Complaint, actor: str
) -> None:
    require_state(complaint, "close", "resolved", "answered")
    complaint.status = "closed"
    complaint.closed_at = utcnow()
    _touch(complaint)
    await add_step(session, complaint.id, "closed", actor)
    publish(session, settings, complaint, "closed", actor)


async def _reopen(
    session: AsyncSession,
    settings: FrontdeskSettings,
    complaint: Complaint,
    actor: str,
    reason: str,
) -> None:
    require_state(complaint, "reopen", "resolved", "answered")
    complaint.status = "reopened"
    complaint.reopen_count += 1
    complaint.resolved_at = None
    deadlines.set_deadlines(complaint, settings, resolution_from=utcnow())
    complaint.resolution_overdue_notified = False
    _touch(complaint)
    await add_step(session, complaint.id, "reopened", actor, reason=reason)
    publish(session, settings, complaint, "reopened", actor, reason=reason)
    if complaint.department == DESK and complaint.answer is None:
        complaint.status = "in_progress"  # the desk picks its own work up again at once
        await add_step(session, complaint.id, "started", actor)
        publish(session, settings, complaint, "started", actor)


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
) -> None:
    """A department's task changed: write the timeline and move the complaint along."""
    complaint = await session.get(Complaint, complaint_id)
    if complaint is None:
        return  # not ours (or long gone): nothing to follow
    stale = department != complaint.department
    await add_step(
        session,
        complaint.id,
        f"task_{verb}",
        actor,
        department,
        task_id=task_id,
        assignee=assignee,
        notes=notes,
        stale=True if stale else None,
    )
    if stale or complaint.status in FINAL_STATES:
        return  # e.g. the old department's task after a reroute
    if verb == "created":
        complaint.task_id = task_id
        _touch(complaint)
    elif verb == "started" and complaint.status in ("dispatched", "reopened"):
        complaint.status = "in_progress"
        _touch(complaint)
        publish(session, settings, complaint, "started", actor)
    elif verb == "completed" and complaint.status in ("dispatched", "in_progress", "reopened"):
        await _resolved(session, settings, complaint, notes, actor, department)


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
            await add_step(
                session, complaint.id, "overdue", None, deadline=which, due=due.isoformat()
            )
            published += 1
    return published


# --- queries --------------------------------------------------------------------------------------


def list_query(
    principal: Principal,
    *,
    property_id: str | None = None,
    status: str | None = None,
    nature: str | None = None,
    department: str | None = None,
    unit_id: str | None = None,
    overdue: bool | None = None,
    now: datetime | None = None,
) -> Select[tuple[Complaint]]:
    stmt = select(Complaint).order_by(Complaint.created_at.desc(), Complaint.id)
    stmt = scope_to_properties(stmt, Complaint.property_id, principal)
    for column, value in (
        (Complaint.property_id, property_id),
        (Complaint.status, status),
        (Complaint.nature, nature),
        (Complaint.department, department),
        (Complaint.unit_id, unit_id),
    ):
        if value:
            stmt = stmt.where(column == value)
    if overdue is not None:
        condition = deadlines.overdue(now or utcnow())
        stmt = stmt.where(condition if overdue else ~condition)
    return stmt


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
