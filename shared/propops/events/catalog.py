"""The one catalog of every integration event type: name, owning department, payload class.

Type names follow ``propops.<dept>.<entity>.<verb>.v1``; each event is published on the NATS
subject equal to its type (prefixed by the namespace setting, if any) in its department's stream.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel

from propops.events import payloads as p
from propops.settings import DEPARTMENTS

# Who publishes events: the departments, and the gateway (its users' changes).
PUBLISHERS: tuple[str, ...] = (*DEPARTMENTS, "gateway")


@dataclass(frozen=True)
class EventSpec:
    type: str
    payload: type[BaseModel]
    description: str

    @property
    def department(self) -> str:
        return self.type.split(".")[1]


COMPLAINT_VERBS = (
    "recorded",
    "classified",
    "dispatched",
    "answered",
    "escalated",
    "started",
    "resolved",
    "reopened",
    "closed",
    "cancelled",
)
TASK_DEPARTMENTS: dict[str, str] = {  # department -> entity name of its task
    "engineering": "workorder",
    "cleaning": "task",
    "security": "task",
    "leasing": "task",
    "fees": "task",
}
TASK_VERBS = ("created", "assigned", "started", "completed", "reopened", "cancelled")


VISIT_VERBS: dict[str, str] = {
    "registered": "was registered (the host or department is told)",
    "identity_confirmed": "had their identity confirmed",
    "arrived": "arrived",
    "left": "left",
    "cancelled": "visit was cancelled",
}


def task_event_type(department: str, verb: str) -> str:
    return f"propops.{department}.{TASK_DEPARTMENTS[department]}.{verb}.v1"


def complaint_event_type(verb: str) -> str:
    return f"propops.frontdesk.complaint.{verb}.v1"


CONTRACT_VERBS = ("signed", "renewed", "terminated")
NONCONFORMANCE_VERBS = ("raised", "rectified", "verify_failed", "closed", "overdue")


def nonconformance_event_type(verb: str) -> str:
    """The type of a front-desk ``NonconformanceChanged`` of ``verb`` (``NONCONFORMANCE_VERBS``)."""
    assert verb in NONCONFORMANCE_VERBS, verb
    return f"propops.frontdesk.nonconformance.{verb}.v1"


def contract_event_type(verb: str) -> str:
    """The type of a leasing contract's ``ContractChanged`` of ``verb`` (``CONTRACT_VERBS``)."""
    assert verb in CONTRACT_VERBS, verb
    return f"propops.leasing.contract.{verb}.v1"


NOTICE_VERBS = ("published", "withdrawn")
PAID_SERVICE_VERBS = ("accepted", "cancelled", "signed_off")
PAID_SERVICE_EFFECTS = {
    "accepted": "; engineering makes its work order",
    "cancelled": "; engineering cancels its work order",
    "signed_off": "; fees charges the quoted total to the unit, once",
}


DOCUMENT_VERBS: dict[str, str] = {
    "stored": "A document was stored in the front desk's archive (uploaded); leasing keeps a "
    "copy of the artwork documents for its ads.",
    "archived": "A document of the front desk's archive was archived (kept, out of the lists); "
    "leasing flags the ads showing it as artwork.",
}


def document_event_type(verb: str) -> str:
    """The type of a front-desk ``DocumentChanged`` of ``verb`` (``DOCUMENT_VERBS``)."""
    assert verb in DOCUMENT_VERBS, verb
    return f"propops.frontdesk.document.{verb}.v1"


def notice_event_type(verb: str) -> str:
    return f"propops.frontdesk.notice.{verb}.v1"


def paid_service_event_type(verb: str) -> str:
    return f"propops.frontdesk.paid_service.{verb}.v1"


_SPECS: tuple[EventSpec, ...] = (
    EventSpec(
        "propops.gateway.user.changed.v1",
        p.UserChanged,
        "A gateway user was created or changed; services keep a copy (propops.directory).",
    ),
    EventSpec(
        "propops.frontdesk.unit.registered.v1",
        p.UnitRegistered,
        "A unit was added to the property register.",
    ),
    *(
        EventSpec(complaint_event_type(verb), p.ComplaintChanged, f"A complaint was {verb}.")
        for verb in COMPLAINT_VERBS
    ),
    EventSpec(
        "propops.frontdesk.complaint.rerouted.v1",
        p.ComplaintRerouted,
        "A dispatched complaint moved to another department; the old one cancels its task.",
    ),
    EventSpec(
        "propops.frontdesk.complaint.overdue.v1",
        p.ComplaintOverdue,
        "A complaint missed a deadline (for the manager's attention).",
    ),
    EventSpec(
        "propops.frontdesk.complaint.site_visited.v1",
        p.SiteVisited,
        "The department head visited the site of a valid complaint and now owns its task.",
    ),
    *(
        EventSpec(
            f"propops.frontdesk.visit.{verb}.v1",
            p.VisitChanged,
            f"A visitor {text}; the gate keeps its own view of the visitors from these.",
        )
        for verb, text in VISIT_VERBS.items()
    ),
    *(
        EventSpec(
            f"propops.frontdesk.release_pass.{verb}.v1",
            p.ReleasePassChanged,
            f"A release pass was {verb}; the gate lists the issued ones and refuses cancelled.",
        )
        for verb in ("issued", "cancelled")
    ),
    *(
        EventSpec(
            f"propops.security.gate_visit.{verb}.v1",
            p.GateVisitMoved,
            f"The gate recorded a visitor who {verb}; the desk's visit follows.",
        )
        for verb in ("entered", "exited")
    ),
    EventSpec(
        "propops.security.release_pass.checked.v1",
        p.ReleasePassChecked,
        "The gate checked a release pass against the goods (released or held); the desk follows.",
    ),
    *(
        EventSpec(
            notice_event_type(verb),
            p.NoticeChanged,
            f"A notice to residents was {verb}.",
        )
        for verb in NOTICE_VERBS
    ),
    *(
        EventSpec(document_event_type(verb), p.DocumentChanged, text)
        for verb, text in DOCUMENT_VERBS.items()
    ),
    *(
        EventSpec(
            paid_service_event_type(verb),
            p.PaidServiceChanged,
            f"A paid service was {verb.replace('_', ' ')}{PAID_SERVICE_EFFECTS[verb]}.",
        )
        for verb in PAID_SERVICE_VERBS
    ),
    *(
        EventSpec(
            nonconformance_event_type(verb),
            p.NonconformanceChanged,
            {
                "raised": "An inspection item failed; the department (greening: cleaning) gets a "
                "task of kind nonconformance.",
                "rectified": "The department completed the nonconformance's task; a follow-up "
                "check is due.",
                "verify_failed": "The follow-up check failed; the department's task is reopened.",
                "closed": "The follow-up check passed; the nonconformance is closed.",
                "overdue": "A nonconformance was not rectified by its deadline (once).",
            }[verb],
        )
        for verb in NONCONFORMANCE_VERBS
    ),
    *(
        EventSpec(task_event_type(dept, verb), p.TaskChanged, f"A {dept} {entity} was {verb}.")
        for dept, entity in TASK_DEPARTMENTS.items()
        for verb in TASK_VERBS
    ),
    EventSpec(
        "propops.frontdesk.leave_request.requested.v1",
        p.LeaveRequested,
        "Leave was asked for a desk clerk; the gateway tells the desk's supervisor and the "
        "managers, who approve or refuse it.",
    ),
    EventSpec(
        "propops.frontdesk.daily_review.signed.v1",
        p.DailyReviewSigned,
        "The supervisor signed a property's daily review; the gateway tells its managers.",
    ),
    EventSpec(
        "propops.security.post_check.failed.v1",
        p.PostCheckFailed,
        "A post check failed (guard absent, not properly dressed or not alert): the front "
        "desk lists it among its security alerts.",
    ),
    EventSpec(
        "propops.security.patrol.missed.v1",
        p.PatrolMissed,
        "A scheduled patrol was not started in its window, or finished with checkpoints "
        "missed; once per occurrence (the front desk lists it).",
    ),
    EventSpec(
        "propops.security.incident.reported.v1",
        p.IncidentReported,
        "A security incident was reported; the front desk lists the high and critical ones.",
    ),
    *(
        EventSpec(
            contract_event_type(verb),
            p.ContractChanged,
            f"A lease contract was {verb}; fees keeps its account and rent charges.",
        )
        for verb in CONTRACT_VERBS
    ),
    EventSpec(
        "propops.leasing.venue_booking.signed.v1",
        p.VenueBookingSigned,
        "A venue booking was signed; fees raises the venue management fee at once.",
    ),
    EventSpec(
        "propops.leasing.venue_booking.cancelled.v1",
        p.VenueBookingCancelled,
        "A signed venue booking was cancelled before its start; fees voids its venue fee.",
    ),
    EventSpec(
        "propops.leasing.venue_booking.damage_reported.v1",
        p.VenueDamageReported,
        "A venue was found damaged at check-out; engineering raises a work order to repair it.",
    ),
    EventSpec(
        "propops.fees.account.opened.v1", p.AccountOpened, "Fees opened the account of a unit."
    ),
    EventSpec(
        "propops.fees.account.status_changed.v1",
        p.AccountStatusChanged,
        "A unit's payment status or amounts due changed.",
    ),
    EventSpec(
        "propops.fees.billing_run.completed.v1",
        p.BillingRunCompleted,
        "A property's monthly billing run finished: its charges and totals in one summary.",
    ),
    EventSpec(
        "propops.fees.owner_opinion.raised.v1",
        p.OwnerOpinionRaised,
        "An owner in a collection case raised an opinion; the front desk records a complaint.",
    ),
    EventSpec(
        "propops.fees.collection_promise.broken.v1",
        p.CollectionPromiseBroken,
        "An owner's promise to pay in a collection case passed its date unmet (once per "
        "promise): the collection officer follows it up.",
    ),
)

CATALOG: dict[str, EventSpec] = {s.type: s for s in _SPECS}
_TYPES_OF: dict[type[BaseModel], list[str]] = {}
for _spec in _SPECS:
    _TYPES_OF.setdefault(_spec.payload, []).append(_spec.type)


def _check_catalog() -> None:
    for spec in _SPECS:
        parts = spec.type.split(".")
        if len(parts) != 5 or parts[0] != "propops" or not re.fullmatch(r"v\d+", parts[4]):
            raise ValueError(f"bad event type name {spec.type!r}")
        if parts[1] not in PUBLISHERS:
            raise ValueError(f"event {spec.type!r} names an unknown publisher")


_check_catalog()


def spec_for(event_type: str) -> EventSpec:
    try:
        return CATALOG[event_type]
    except KeyError:
        raise KeyError(
            f"unknown event type {event_type!r}; add it to propops.events.catalog"
        ) from None


def type_for_payload(payload_cls: type[BaseModel], event_type: str | None = None) -> str:
    """The event type for a payload class: its only one, or ``event_type`` checked against it."""
    types = _TYPES_OF.get(payload_cls)
    if not types:
        raise KeyError(f"{payload_cls.__name__} is not in the event catalog")
    if event_type is None:
        if len(types) > 1:
            raise KeyError(f"{payload_cls.__name__} serves several event types: name one")
        return types[0]
    if event_type not in types:
        raise KeyError(f"{event_type!r} does not carry {payload_cls.__name__}")
    return event_type


def payload_model(event_type: str) -> type[BaseModel]:
    return spec_for(event_type).payload


def types_for_payload(payload_cls: type[BaseModel]) -> list[str]:
    """Every event type that carries ``payload_cls``."""
    types = _TYPES_OF.get(payload_cls)
    if not types:
        raise KeyError(f"{payload_cls.__name__} is not in the event catalog")
    return list(types)


def verb_of(event_type: str) -> str:
    """``propops.<dept>.<entity>.<verb>.v1`` -> ``<verb>``."""
    return event_type.split(".")[3]


def stream_for(department: str, namespace: str = "") -> str:
    """The JetStream stream holding one publisher's (department's or gateway's) events."""
    base = f"PROPOPS_{department.upper()}"
    return f"{namespace.upper()}_{base}" if namespace else base


def subject_for(event_type: str, namespace: str = "") -> str:
    return f"{namespace}.{event_type}" if namespace else event_type


def stream_subjects(department: str, namespace: str = "") -> list[str]:
    return [subject_for(f"propops.{department}.>", namespace)]
