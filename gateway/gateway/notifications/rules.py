"""Which events make a notification, for whom, and what it says (plain functions of the event)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from gateway.portal.i18n import N_
from gateway.portal.labels import label
from propops.events.catalog import verb_of
from propops.events.envelope import CloudEvent
from propops.events.payloads import (
    ComplaintChanged,
    ComplaintOverdue,
    DailyReviewSigned,
    LeaveRequested,
    TaskChanged,
    VisitChanged,
)
from propops.messaging.subscriptions import On, PayloadHandler

SEVERE_PRIORITIES = frozenset({"urgent"})


@dataclass(frozen=True)
class Draft:
    audience: str  # a role
    property_id: str | None
    kind: str
    params: dict[str, Any]


# kind -> English msgid (the portal shows it in the user's language; e-mails in both)
KINDS: dict[str, str] = {
    "task_created": N_("New task for {department}"),
    "task_reopened": N_("Task reopened at {department}"),
    "callback_due": N_("Callback due: the resident is waiting for a call back"),
    "complaint_overdue": N_("Complaint overdue: {deadline} deadline missed"),
    "severe_complaint": N_("Urgent complaint"),
    "daily_review_signed": N_("Daily review of {date} signed by {signed_by}"),
    "leave_requested": N_("Leave requested for {user}: {date_from} to {date_to}"),
    "visitor_expected": N_("A visitor for {department}: {visitor_name} is expected"),
    "visitor_arrived": N_("A visitor for {department} has arrived: {visitor_name}"),
}
# a visit's steps that tell the department it is for (the desk and the gate see every visit)
VISIT_KINDS = {"registered": "visitor_expected", "arrived": "visitor_arrived"}
DEADLINES: dict[str, str] = {"response": N_("response"), "resolution": N_("resolution")}


def _short(text: Any, limit: int = 120) -> str | None:
    if not text:
        return None
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def drafts_for(payload: BaseModel, event: CloudEvent) -> list[Draft]:
    """The notifications one event makes (none for most)."""
    verb = verb_of(event.type)
    ref = getattr(payload, "reference", None)  # reference numbers, where the event has one
    if isinstance(payload, TaskChanged):
        if verb not in ("created", "reopened"):
            return []
        params = {
            "department": payload.department,
            "task_id": payload.task_id,
            "complaint_id": payload.complaint_id,
            "reference": ref,
            "description": _short(
                getattr(payload, "description", None) or getattr(payload, "title", None)
            ),
        }
        return [Draft(payload.department, payload.property_id, f"task_{verb}", params)]
    if isinstance(payload, DailyReviewSigned):
        params = {
            "review_id": payload.review_id,
            "date": payload.date.isoformat(),
            "signed_by": payload.signed_by,
            "description": _short(payload.notes),
        }
        return [Draft("manager", payload.property_id, "daily_review_signed", params)]
    if isinstance(payload, VisitChanged):
        if verb not in VISIT_KINDS or not payload.host_department:
            return []  # a visitor of a unit: the desk tells the resident by phone, as today
        params = {
            "visit_id": payload.visit_id,
            "reference": ref,
            "department": payload.host_department,
            "visitor_name": payload.visitor_name,
            "description": _short(payload.purpose),
            "expected_at": payload.expected_at.isoformat() if payload.expected_at else None,
        }
        kind = VISIT_KINDS[verb]
        return [Draft(payload.host_department, payload.property_id, kind, params)]
    if isinstance(payload, LeaveRequested):
        # the desk's supervisor (a front-desk role) and the managers of the clerk's property
        # decide it (an event without a property: every property's hear of it)
        params = {
            "leave_id": payload.leave_id,
            "user": payload.user,
            "date_from": payload.date_from.isoformat(),
            "date_to": payload.date_to.isoformat(),
            "leave_kind": payload.kind,
        }
        return [
            Draft(role, payload.property_id, "leave_requested", params)
            for role in ("supervisor", "manager")
        ]
    if isinstance(payload, ComplaintOverdue):
        params = {
            "complaint_id": payload.complaint_id,
            "reference": ref,
            "department": payload.department,
            "deadline": payload.deadline,
            "due": payload.due.isoformat(),
        }
        return [Draft("manager", payload.property_id, "complaint_overdue", params)]
    if isinstance(payload, ComplaintChanged):
        params = {
            "complaint_id": payload.complaint_id,
            "reference": ref,
            "department": payload.department,
            "description": _short(payload.description),
        }
        if verb == "resolved":
            return [Draft("frontdesk", payload.property_id, "callback_due", params)]
        if verb in ("classified", "escalated") and payload.priority in SEVERE_PRIORITIES:
            return [Draft("manager", payload.property_id, "severe_complaint", params)]
    return []


def subscriptions(handle: PayloadHandler[Any]) -> list[On[Any]]:
    """The events that can make a notification (``drafts_for`` decides which do)."""
    return [
        On(TaskChanged, handle, verbs=("created", "reopened")),
        On(ComplaintChanged, handle, verbs=("resolved", "classified", "escalated")),
        On(ComplaintOverdue, handle),
        On(DailyReviewSigned, handle),  # the office manager learns the day is signed
        On(LeaveRequested, handle),  # the desk's supervisor and managers, who decide it
        On(VisitChanged, handle, verbs=tuple(VISIT_KINDS)),  # the department a visitor is for
    ]


def text_of(kind: str, params: dict[str, Any], gettext: Callable[[str], str] = lambda s: s) -> str:
    """The notification's sentence in a language (``gettext`` of the user's catalog)."""
    values = {k: v or "" for k, v in params.items()}
    values["department"] = label(gettext, "department", params.get("department"))
    if params.get("deadline") in DEADLINES:
        values["deadline"] = gettext(DEADLINES[params["deadline"]])
    return gettext(KINDS[kind]).format_map(_Missing(values))


class _Missing(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return ""
