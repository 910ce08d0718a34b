"""Response and resolution deadlines, and what counts as overdue."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_

from frontdesk.complaints.models import Complaint
from frontdesk.settings import FrontdeskSettings


def hours_for(
    settings: FrontdeskSettings, nature: str | None, priority: str
) -> tuple[float, float]:
    """(response, resolution) hours; an unclassified complaint is treated as communication."""
    table = settings.deadlines.get(nature or "communication") or settings.deadlines["communication"]
    return table.get(priority) or table["normal"]


def set_deadlines(
    complaint: Complaint, settings: FrontdeskSettings, *, resolution_from: datetime | None = None
) -> None:
    response_h, resolution_h = hours_for(settings, complaint.nature, complaint.priority)
    complaint.response_due = complaint.created_at + timedelta(hours=response_h)
    start = resolution_from or complaint.created_at
    complaint.resolution_due = start + timedelta(hours=resolution_h)


def response_overdue(now: datetime) -> ColumnElement[bool]:
    return and_(
        Complaint.responded_at.is_(None),
        Complaint.response_due < now,
        Complaint.status.in_(("recorded", "classified", "reopened")),
    )


def resolution_overdue(now: datetime) -> ColumnElement[bool]:
    return and_(
        Complaint.resolution_due < now,
        Complaint.status.in_(("recorded", "classified", "dispatched", "in_progress", "reopened")),
    )


def overdue(now: datetime) -> ColumnElement[bool]:
    return or_(response_overdue(now), resolution_overdue(now))


def is_overdue(complaint: Complaint, now: datetime) -> bool:
    if complaint.status in ("recorded", "classified", "reopened") and (
        complaint.responded_at is None and complaint.response_due < now
    ):
        return True
    return (
        complaint.status in ("recorded", "classified", "dispatched", "in_progress", "reopened")
        and complaint.resolution_due < now
    )
