"""Which events make a notification, for whom, and what it says (plain functions of the event)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gateway.portal.i18n import N_
from gateway.portal.labels import label
from propops.events.catalog import TASK_DEPARTMENTS, complaint_event_type, task_event_type
from propops.events.envelope import CloudEvent

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
}
DEADLINES: dict[str, str] = {"response": N_("response"), "resolution": N_("resolution")}


def _short(text: Any, limit: int = 120) -> str | None:
    if not text:
        return None
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def drafts_for(event: CloudEvent) -> list[Draft]:
    d = event.data
    verb = event.type.split(".")[3]
    if event.department in TASK_DEPARTMENTS and event.type == task_event_type(
        event.department, verb
    ):
        if verb not in ("created", "reopened"):
            return []
        return [
            Draft(
                d["department"],
                d.get("property_id"),
                f"task_{verb}",
                {
                    "department": d["department"],
                    "task_id": d["task_id"],
                    "complaint_id": d.get("complaint_id"),
                    "reference": d.get("reference"),
                    "description": _short(d.get("description") or d.get("title")),
                },
            )
        ]
    complaint = {
        "complaint_id": d.get("complaint_id"),
        "reference": d.get("reference"),
        "department": d.get("department"),
        "description": _short(d.get("description")),
    }
    if event.type == complaint_event_type("resolved"):
        return [Draft("frontdesk", d["property_id"], "callback_due", complaint)]
    if event.type == "propops.frontdesk.complaint.overdue.v1":
        params = {**complaint, "deadline": d["deadline"], "due": d["due"]}
        return [Draft("manager", d["property_id"], "complaint_overdue", params)]
    if event.type in (complaint_event_type("classified"), complaint_event_type("escalated")):
        if d.get("priority") in SEVERE_PRIORITIES:
            return [Draft("manager", d["property_id"], "severe_complaint", complaint)]
    return []


def handled_types() -> list[str]:
    types = [task_event_type(dept, v) for dept in TASK_DEPARTMENTS for v in ("created", "reopened")]
    types += [
        complaint_event_type("resolved"),
        complaint_event_type("classified"),
        complaint_event_type("escalated"),
        "propops.frontdesk.complaint.overdue.v1",
    ]
    return types


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
