"""What a resident is told about a request: each meaningful step of the complaint's timeline
becomes an update (mySociety's ``servicerequestupdates``) with a rich status and a note; the
latest one is the request's ``status_notes``.

Steps internal to the office (identity checks, commitments, callbacks being attempted, overdue
alerts, the answer to a consult, a cancellation's reason) are not shown; a department's task
notes are shown once the work is resolved ("Resolved: <notes>").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from frontdesk.complaints.models import ComplaintStep
from frontdesk.open311.catalog import department_names


@dataclass(frozen=True)
class Progress:
    status: str  # mySociety's: OPEN, INVESTIGATING, ACTION_SCHEDULED, IN_PROGRESS, FIXED, ...
    note: str


def _dept(details: dict[str, Any], key: str, fallback: str) -> tuple[str, str]:
    return department_names(details.get(key) or fallback)


def _classified(step: ComplaintStep) -> Progress:
    en, zh = _dept(step.details, "department", step.department)
    return Progress("OPEN", f"Assessed; to be handled by {en} 已評估，將由{zh}跟進")


def _rerouted(step: ComplaintStep) -> Progress:
    en, zh = _dept(step.details, "to_department", step.department)
    return Progress("INTERNAL_REFERRAL", f"Passed on to {en} 已改由{zh}跟進")


def _dispatched(step: ComplaintStep) -> Progress:
    to = step.details.get("department_to") or step.department
    if to == "frontdesk":
        return Progress("IN_PROGRESS", "Being handled by the front desk 前臺跟進中")
    en, zh = department_names(to)
    return Progress("ACTION_SCHEDULED", f"Dispatched to {en} 已轉交{zh}")


def _task_started(step: ComplaintStep) -> Progress | None:
    if step.details.get("stale"):
        return None  # the old department's task after a reroute
    en, zh = department_names(step.department)
    return Progress("IN_PROGRESS", f"Work started by {en} {zh}已開始處理")


def _resumed(step: ComplaintStep) -> Progress:
    en, zh = department_names(step.department)
    return Progress("IN_PROGRESS", f"Work resumed by {en} {zh}已重新處理")


def _resolved(step: ComplaintStep) -> Progress:
    notes = step.details.get("notes")
    return Progress("FIXED", f"Resolved 已解決: {notes}" if notes else "Resolved 已解決")


def _fixed(status: str, note: str) -> Callable[[ComplaintStep], Progress]:
    return lambda _step: Progress(status, note)


RULES: dict[str, Callable[[ComplaintStep], Progress | None]] = {
    "recorded": _fixed("OPEN", "Received by the front desk 前臺已收到"),
    "classified": _classified,
    "rerouted": _rerouted,
    "dispatched": _dispatched,
    "task_started": _task_started,
    "started": _resumed,
    "escalated": _fixed("INVESTIGATING", "Escalated to the department head 已轉交部門主管跟進"),
    "site_visit": _fixed("INVESTIGATING", "Site visit by the department head 部門主管已實地視察"),
    "answered": _fixed("FIXED", "Answered by the front desk 前臺已回覆"),
    "resolved": _resolved,
    "reopened": _fixed("REOPEN", "Reopened after callback 回訪後重新處理"),
    "closed": _fixed("CLOSED", "Closed after callback 已回訪並結案"),
    "cancelled": _fixed("CLOSED", "Cancelled by the front desk 前臺已取消"),
}
MEANINGFUL_ACTIONS: tuple[str, ...] = tuple(RULES)


def progress_of(step: ComplaintStep) -> Progress | None:
    rule = RULES.get(step.action)
    return rule(step) if rule is not None else None


def latest_notes(steps: Iterable[ComplaintStep]) -> dict[str, str]:
    """complaint id -> the note of its latest meaningful step (``steps`` in timeline order)."""
    notes: dict[str, str] = {}
    for step in steps:
        progress = progress_of(step)
        if progress is not None:
            notes[step.complaint_id] = progress.note
    return notes
