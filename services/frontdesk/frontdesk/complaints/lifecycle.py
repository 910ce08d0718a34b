"""The complaint's life cycle: its transition table, its timeline steps and its event.

States: recorded -> classified -> dispatched (or answered) -> in_progress -> resolved -> closed,
with reopened -> in_progress (or answered/dispatched again) and cancelled. Every transition goes
through ``COMPLAINT.apply`` (``propops.lifecycle``): the state is checked (409 naming
``current_state``, ``action``, ``allowed_from``), the timeline step and the
``propops.frontdesk.complaint.<verb>.v1`` event are added, and the UPDATE checks and bumps the
version (412 for a client that expected another one).

Every timeline step bumps ``step_count`` on the complaint's row (its ``seq``), so a step is a
change of the complaint: it is numbered without gaps or twins, and the version (the ``ETag`` of
the complaint and its timeline) moves with it.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.complaints.models import OPEN_STATES, Complaint, ComplaintStep
from propops.auth import Principal, get_visible
from propops.db import utcnow
from propops.events.catalog import complaint_event_type
from propops.events.payloads import ComplaintChanged, Contact, Place
from propops.lifecycle import Event, Lifecycle

DESK = "frontdesk"

ON_THE_WAY = ("classified", "dispatched", "in_progress", "reopened")

COMPLAINT = Lifecycle(
    "complaint",
    {
        # action: (allowed from, next state; None keeps the state or the rule chooses)
        "classify": (("recorded", "classified", "dispatched", "in_progress", "reopened"), None),
        "confirm_identity": (OPEN_STATES, None),
        "dispatch": (("classified", "reopened"), "dispatched"),
        "answer": (("classified", "reopened"), "answered"),
        "resolve": (("in_progress",), "resolved"),
        "site_visit": (ON_THE_WAY, None),
        "escalate": (OPEN_STATES, None),
        "cancel": (OPEN_STATES, "cancelled"),
        "add_commitment": (OPEN_STATES, None),
        # the callback's outcome
        "close": (("resolved", "answered"), "closed"),
        "reopen": (("resolved", "answered"), "reopened"),
        # the department's task (and the desk's own work when reopened)
        "start": (("dispatched", "reopened"), "in_progress"),
        "task_completed": (("dispatched", "in_progress", "reopened"), "resolved"),
    },
)


def step(
    complaint: Complaint,
    action: str,
    actor: str | None,
    department: str = DESK,
    **details: object,
) -> ComplaintStep:
    """The complaint's next timeline step (numbered from the row's ``step_count``), not yet
    added: give it to ``COMPLAINT.apply`` or ``add_step``."""
    complaint.step_count = (complaint.step_count or 0) + 1
    complaint.updated_at = utcnow()
    return ComplaintStep(
        complaint_id=complaint.id,
        seq=complaint.step_count,
        at=utcnow(),
        actor=actor,
        action=action,
        department=department,
        details={k: v for k, v in details.items() if v is not None},
    )


def add_step(
    session: AsyncSession,
    complaint: Complaint,
    action: str,
    actor: str | None,
    department: str = DESK,
    **details: object,
) -> None:
    """A timeline step that is no transition (a note, a callback attempt, a commitment)."""
    session.add(step(complaint, action, actor, department, **details))


def changed(
    complaint: Complaint,
    verb: str,
    actor: str | None,
    reason: str | None = None,
    *,
    place: Place | None = None,
    contact: Contact | None = None,
) -> Event:
    """The complaint's ``ComplaintChanged`` event of ``verb``, as it stands now (with where to
    go and who to call on a dispatch: ``whereabouts``)."""
    return Event(
        ComplaintChanged(
            complaint_id=complaint.id,
            reference=complaint.reference,
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
            place=place,
            contact=contact,
            at=utcnow(),
        ),
        subject=complaint.id,
        event_type=complaint_event_type(verb),
    )


async def get(
    session: AsyncSession, complaint_id: str, principal: Principal | None = None
) -> Complaint:
    return await get_visible(
        session, Complaint, complaint_id, principal, noun="complaint", field="complaint_id"
    )
