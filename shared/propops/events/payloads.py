"""Typed payloads of the integration events, one small class per event type.

They are the contract between departments: a producer builds one, a consumer validates
the envelope's ``data`` against it. Add a field only as optional (old events must still parse);
anything else is a new version (``...v2``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel


class UnitRegistered(BaseModel):
    """frontdesk: a unit was added to the property register."""

    unit_id: str
    property_id: str
    property_code: str
    building: str
    number: str
    floor: int | None = None
    area_m2: Decimal | None = None
    time_zone: str | None = None  # the property's IANA time zone: "today" there (fees' due days)


class UserChanged(BaseModel):
    """gateway: a user was created or changed (roles, properties, active, password).

    ``version`` grows with every change; a token carries the version it was issued at, and
    services refuse a token older than the version they hold (``propops.directory``).
    """

    user_id: str
    username: str
    roles: list[str]
    property_ids: list[str]
    active: bool
    version: int
    changed_at: datetime


class AccountOpened(BaseModel):
    """fees: an account was opened for a unit."""

    account_id: str
    unit_id: str
    property_id: str


# --- front desk: complaints ----------------------------------------------------------------


class Place(BaseModel):
    """Where to go: the property and unit of a complaint as the register has them."""

    property_name: str | None = None
    property_code: str | None = None
    time_zone: str | None = None  # the property's IANA time zone
    building: str | None = None
    unit_number: str | None = None
    floor: int | None = None
    location: str | None = None  # free text, e.g. "lift lobby, 12/F"


class Contact(BaseModel):
    """Who to call: the complainant (the phone in full: the department's staff must dial it)."""

    name: str | None = None
    phone: str | None = None


class ComplaintChanged(BaseModel):
    """frontdesk: a complaint moved through its state machine (one event per transition).

    ``status`` is the state after the transition; the other fields are the complaint as it is
    then, so a consumer needs nothing else to act on it.
    """

    complaint_id: str
    reference: str | None = None  # e.g. C-2026-00042
    property_id: str
    unit_id: str | None = None
    status: str
    nature: str | None = None  # valid | communication
    kind: str | None = None  # help | consult | vent
    department: str | None = None
    priority: str | None = None
    description: str | None = None
    location: str | None = None
    actor: str | None = None
    reason: str | None = None
    assignee: str | None = None  # the department head who resolves a valid complaint
    response_due: datetime | None = None
    resolution_due: datetime | None = None
    # on ``dispatched``: what the department needs without asking the front desk
    place: Place | None = None
    contact: Contact | None = None
    at: datetime


class ComplaintRerouted(BaseModel):
    """frontdesk: a dispatched complaint was re-classified to another department; the old
    department cancels its task (the new one gets ``complaint.dispatched``)."""

    complaint_id: str
    from_department: str
    to_department: str
    actor: str | None = None
    at: datetime


class ComplaintOverdue(BaseModel):
    """frontdesk: a complaint missed its response or resolution deadline (once per deadline)."""

    complaint_id: str
    property_id: str
    deadline: str  # response | resolution
    due: datetime
    status: str
    nature: str | None = None
    priority: str | None = None
    department: str | None = None


class SiteVisited(BaseModel):
    """frontdesk: the desk took the department head to the site of a valid complaint; the
    department head is the one who resolves it (the task is assigned to them)."""

    complaint_id: str
    department: str
    department_head: str
    visited_at: datetime
    findings: str


# --- front desk: visitors and release passes ---------------------------------------------


class VisitChanged(BaseModel):
    """frontdesk: a visitor was registered, had their identity confirmed, arrived, left or was
    cancelled (one event per step). The visit as it stands then, so the gate keeps its own view
    from these alone; the ID number only masked (events are logged)."""

    visit_id: str
    reference: str | None = None  # e.g. V-2026-00012
    property_id: str
    status: str  # expected | on_site | left | cancelled
    visitor_name: str
    id_number_masked: str | None = None
    purpose: str
    host_unit_id: str | None = None
    host_unit_label: str | None = None  # e.g. "A 12F-3"
    host_department: str | None = None
    expected_at: datetime | None = None
    visit_date: date | None = None  # the day in the property's time zone
    identity_confirmed: bool = False
    actor: str | None = None
    at: datetime


class GateVisitMoved(BaseModel):
    """security: the gate recorded a visitor entering or leaving; the desk's visit follows.
    ``identity_confirmed`` when the guard confirmed at entry an identity the desk had not (the
    document seen: ``document_kind``); the exit's event says it again."""

    visit_id: str
    property_id: str
    status: str  # on_site | left
    actor: str | None = None
    at: datetime
    identity_confirmed: bool = False
    document_kind: str | None = None


class PassItem(BaseModel):
    description: str
    quantity: int


class ReleasePassChanged(BaseModel):
    """frontdesk: a release pass (放行單) was issued or cancelled; the gate checks the goods
    against ``items`` before ``valid_until``."""

    pass_id: str
    reference: str | None = None  # e.g. RP-2026-00003
    property_id: str
    unit_id: str
    unit_label: str | None = None
    status: str  # issued | cancelled
    requester_name: str
    requester_role: str | None = None  # owner | tenant | resident
    items: list[PassItem]
    reason: str
    planned_at: datetime
    valid_until: datetime
    payment_status: str | None = None
    override_reason: str | None = None
    owner_confirmed: bool = False
    actor: str | None = None
    at: datetime


class ReleasePassChecked(BaseModel):
    """security: the guard checked the goods against a pass at the gate: released or held."""

    pass_id: str
    property_id: str
    outcome: str  # released | held
    items_match: bool
    notes: str | None = None
    checked_by: str | None = None
    at: datetime


# --- departments: tasks (work orders at engineering) -------------------------------------


class TaskChanged(BaseModel):
    """<dept>: a department task (an engineering work order) changed state."""

    task_id: str
    reference: str | None = None  # e.g. W-2026-00007
    department: str
    property_id: str
    complaint_id: str | None = None
    status: str
    assignee: str | None = None
    notes: str | None = None
    actor: str | None = None
    at: datetime
    # the work kind (complaint | paid_service | preventive | nonconformance | scheduled | hygiene
    # | damage) and what asked for it: lets the asker react to its task's completion
    kind: str | None = None
    source_id: str | None = None
    source_key: str | None = None
    asset_id: str | None = None


# --- security ---------------------------------------------------------------------------------


class PostCheckFailed(BaseModel):
    """security: a post check found the post not right (guard absent, not properly dressed, or
    not alert); the front desk's supervisor follows it up."""

    check_id: str
    property_id: str
    post_id: str
    post_code: str
    post_name: str
    checked_by: str
    present: bool
    dressed: bool
    alert: bool
    guards_on_duty: list[str] = []  # the guards the roster has at the post at that time
    notes: str | None = None
    at: datetime


class PatrolMissed(BaseModel):
    """security: a scheduled patrol was not started within its window (``not_started``), or a
    patrol finished with checkpoints missed (``checkpoints_missed``; also a patrol never
    finished, which the sweep finishes ``ABANDONED_AFTER`` its start). Once per occurrence:
    ``key`` is the same for every copy."""

    key: str  # route id and occurrence (or run id for a patrol outside the schedule)
    property_id: str
    route_id: str
    route_name: str
    reason: str  # not_started | checkpoints_missed
    occurrence_at: datetime | None = None  # the scheduled start, if scheduled
    run_id: str | None = None
    guard: str | None = None
    missed_checkpoints: list[str] = []  # codes
    at: datetime


class IncidentReported(BaseModel):
    """security: an incident was reported (severity low | medium | high | critical)."""

    incident_id: str
    reference: str | None = None  # e.g. I-2026-00004
    property_id: str
    kind: str
    location: str
    description: str
    severity: str
    reported_by: str | None = None
    occurred_at: datetime | None = None
    at: datetime


# --- front desk: notices and paid services ----------------------------------------------------


class NoticeChanged(BaseModel):
    """frontdesk: a notice to residents was published or withdrawn."""

    notice_id: str
    property_id: str
    buildings: list[str] = []
    category: str
    title_zh_hant: str
    title_en: str
    status: str
    publish_from: datetime
    publish_until: datetime
    actor: str | None = None
    at: datetime


class DocumentChanged(BaseModel):
    """frontdesk: a document was stored in the archive (uploaded) or archived.

    Owned by a unit, a party or the property itself (``unit_id`` and ``party_id`` both empty);
    ``status`` is the document's state after the change (``active`` | ``archived``).
    """

    document_id: str
    property_id: str
    unit_id: str | None = None
    party_id: str | None = None
    title: str
    category: str
    content_type: str
    size: int
    filename: str | None = None
    status: str
    actor: str | None = None
    at: datetime


class PaidServiceLine(BaseModel):
    item_code: str
    name: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


class PaidServiceChanged(BaseModel):
    """frontdesk: a paid service (a billable job for a resident) was accepted, cancelled or
    signed off. Engineering makes a work order of the accepted one (and cancels it when the
    service is cancelled); fees charges the quoted ``total`` once when it is signed off."""

    paid_service_id: str
    reference: str | None = None  # e.g. PS-2026-00003
    property_id: str
    unit_id: str
    party_id: str
    status: str
    lines: list[PaidServiceLine] = []
    total: Decimal
    notes: str | None = None
    description: str | None = None  # what engineering reads: the lines and the notes
    place: Place | None = None  # where to go (on accepted)
    contact: Contact | None = None  # the resident to call (the phone in full, on accepted)
    satisfied: bool | None = None
    reason: str | None = None
    actor: str | None = None
    at: datetime


class NonconformanceChanged(BaseModel):
    """frontdesk: a nonconformance (不合格) found on an inspection round changed state.

    ``raised``: the department's task is made (``task_department``: greening's through
    cleaning; none for the front desk's own items); ``rectified``: its task was completed (or
    the desk put right its own item), a follow-up check is due; ``verify_failed``: the check
    failed, the task is reopened, due by the new ``deadline_at``; ``closed``: the check passed;
    ``overdue``: not rectified by ``deadline_at`` (once per deadline)."""

    nonconformance_id: str
    reference: str | None = None
    inspection_id: str
    property_id: str
    department: str
    task_department: str | None = None
    item_code: str
    text: str
    note: str | None = None
    location: str | None = None
    severity: str
    status: str
    deadline_at: datetime
    actor: str | None = None
    at: datetime


class DailyReviewSigned(BaseModel):
    """frontdesk: the supervisor signed the day's review of a property (one per property and
    local day); the office manager is told."""

    review_id: str
    property_id: str
    date: date
    signed_by: str
    signed_at: datetime
    notes: str = ""


class LeaveRequested(BaseModel):
    """frontdesk: leave was asked for a desk clerk (whole days, ``date_from`` to ``date_to``
    inclusive) at ``property_id``; that property's supervisors and managers, who decide it, are
    told (none: an event from before leave had a property, told to every property's)."""

    leave_id: str
    property_id: str | None = None
    user: str
    date_from: date
    date_to: date
    kind: str
    requested_by: str
    requested_at: datetime


# --- leasing ----------------------------------------------------------------------------------


class ContractChanged(BaseModel):
    """leasing: a lease of a space (ad space, warehouse, venue) was signed, renewed or terminated.

    Fees keeps one account per contract and raises its rent charges in the billing runs:
    ``rent`` per ``billing_cycle`` period (monthly | quarterly | once) from ``start_date`` to
    ``end_date`` (inclusive), or to ``terminated_on`` for an early termination (later charges
    cancelled). A renewal carries the contract's new ``end_date`` (and rent, if it changed).
    """

    contract_id: str
    reference: str | None = None  # e.g. LC-2026-00003
    property_id: str
    space_id: str
    space_code: str
    space_kind: str  # ad_space | warehouse | venue
    counterparty_name: str
    start_date: date
    end_date: date
    rent: Decimal
    billing_cycle: str  # monthly | quarterly | once
    deposit: Decimal | None = None
    terminated_on: date | None = None
    actor: str | None = None
    at: datetime


class VenueBookingSigned(BaseModel):
    """leasing: a venue booking was signed; fees raises its venue management fee at once."""

    booking_id: str
    reference: str | None = None
    property_id: str
    space_id: str
    space_code: str
    organizer: str
    start: datetime
    end: datetime
    fee: Decimal
    actor: str | None = None
    at: datetime


class VenueBookingCancelled(BaseModel):
    """leasing: a signed venue booking was cancelled before its start; fees voids its venue
    management fee (once; what was paid becomes the booking account's credit). It carries the
    booking's terms, so the fee is voided even if the cancellation arrives before the signing."""

    booking_id: str
    reference: str | None = None
    property_id: str
    space_id: str
    space_code: str
    organizer: str
    start: datetime
    end: datetime
    fee: Decimal
    reason: str
    signed_at: datetime | None = None
    actor: str | None = None
    at: datetime


class VenueDamageReported(BaseModel):
    """leasing: a venue was found damaged when its booking checked out; engineering raises one
    work order per booking to repair it."""

    booking_id: str
    reference: str | None = None  # the booking's, e.g. VB-2026-00012
    property_id: str
    space_id: str
    space_code: str
    space_name: str
    location: str
    organizer: str
    organizer_phone: str | None = None
    damage: str  # what is damaged
    condition_note: str | None = None  # the venue's condition as found at check-out
    time_zone: str | None = None  # the property's IANA time zone
    actor: str | None = None
    at: datetime


# --- fees -------------------------------------------------------------------------------------


class BillingRunCompleted(BaseModel):
    """fees: a property's billing run for a month finished (one summary, not one per charge)."""

    run_id: str
    property_id: str
    period: str  # YYYY-MM
    due_date: date
    management_fee_count: int
    management_fee_total: Decimal
    rent_count: int
    rent_total: Decimal
    total: Decimal
    units_skipped: int  # charged already for the period, or no floor area for a per-m2 rate
    completed_at: datetime


class OwnerOpinionRaised(BaseModel):
    """fees: in a collection case the owner raised an opinion to be handled as a complaint at
    the front desk (the debt is not paused)."""

    opinion_id: str
    case_id: str
    property_id: str
    unit_id: str
    text: str
    recorded_by: str
    raised_at: datetime


class CollectionPromiseBroken(BaseModel):
    """fees: an owner's promise to pay in a collection case was broken: its date passed and the
    payments recorded after the promise did not reach the promised amount. Published once per
    promise."""

    promise_id: str
    case_id: str
    property_id: str
    unit_id: str
    amount: Decimal  # promised
    paid: Decimal  # paid towards it by the date
    pay_by: date
    promised_by: str  # the staff member who recorded it
    at: datetime


class AccountStatusChanged(BaseModel):
    """fees: a unit's payment status (current / arrears) or amounts due changed."""

    account_id: str
    unit_id: str
    property_id: str
    status: str  # current | arrears
    balance_due: Decimal
    overdue_amount: Decimal
    oldest_overdue_date: date | None = None
    as_of: datetime
