"""Names of statuses, departments, roles and the like: the ONE place every page, badge and chart
takes them from. Words from the office's glossary (shared GLOSSARY.md): the msgids are the English
words, the zh-Hant catalog has the office's Chinese words. API values stay English snake_case.

Use in templates: ``{{ label("complaint_status", c.status) }}`` or ``{{ badge("complaint_status",
c.status) }}``; in Python: ``labels.label(_, "department", "engineering")``.
"""

from __future__ import annotations

from collections.abc import Callable

from gateway.portal.i18n import N_

# Each group: API value -> English msgid. Add a group or a value here, then its Chinese in the
# catalog (see README.md in this folder).
LABELS: dict[str, dict[str, str]] = {
    "complaint_status": {
        "recorded": N_("Recorded"),
        "classified": N_("Classified"),
        "dispatched": N_("Dispatched"),
        "answered": N_("Answered"),
        "in_progress": N_("In progress"),
        "resolved": N_("Resolved"),
        "closed": N_("Closed"),
        "reopened": N_("Reopened"),
        "cancelled": N_("Cancelled"),
    },
    "task_status": {
        "open": N_("Open"),
        "assigned": N_("Assigned"),
        "in_progress": N_("In progress"),
        "completed": N_("Completed"),
        "cancelled": N_("Cancelled"),
    },
    "department": {
        "frontdesk": N_("Front desk"),
        "security": N_("Security"),
        "engineering": N_("Engineering"),
        "cleaning": N_("Cleaning"),
        "leasing": N_("Leasing"),
        "fees": N_("Management fees"),
    },
    "role": {
        "admin": N_("Administrator"),
        "manager": N_("Office manager"),
        "frontdesk": N_("Front desk"),
        "security": N_("Security"),
        "engineering": N_("Engineering"),
        "cleaning": N_("Cleaning"),
        "leasing": N_("Leasing"),
        "fees": N_("Management fees"),
    },
    "nature": {
        "valid": N_("Valid complaint"),
        "communication": N_("Communication complaint"),
    },
    "kind": {
        "help": N_("Help"),
        "consult": N_("Consultation"),
        "vent": N_("Venting"),
    },
    "task_kind": {  # what asked for a department's work (propops.tasks TASK_KINDS)
        "complaint": N_("Complaint"),
        "paid_service": N_("Paid service"),
        "preventive": N_("Preventive maintenance"),
        "nonconformance": N_("Nonconformance"),
        "scheduled": N_("Cleaning schedule"),
        "hygiene": N_("Hygiene check"),
        "damage": N_("Venue damage"),
    },
    "equipment_category": {
        "lift": N_("Lift"),
        "pump": N_("Pump"),
        "generator": N_("Generator"),
        "fire": N_("Fire services"),
        "hvac": N_("Air conditioning"),
        "electrical": N_("Electrical"),
        "lighting": N_("Lighting"),
        "other": N_("Other"),
    },
    "priority": {
        "low": N_("Low"),
        "normal": N_("Normal"),
        "high": N_("High"),
        "urgent": N_("Urgent"),
    },
    "channel": {
        "walk_in": N_("Walk-in"),
        "phone": N_("Phone"),
        "portal": N_("Portal"),
        "app": N_("App"),
    },
    "payment_status": {
        "current": N_("Paid up"),
        "arrears": N_("In arrears"),
        "unknown": N_("Unknown"),
    },
    "occupancy_role": {
        "owner": N_("Owner"),
        "tenant": N_("Tenant"),
        "resident": N_("Resident"),
    },
    "party_kind": {
        "person": N_("Person"),
        "company": N_("Company"),
    },
    "commitment_status": {
        "open": N_("Open"),
        "kept": N_("Kept"),
        "withdrawn": N_("Withdrawn"),
    },
    "callback_status": {
        "due": N_("Due"),
        "done": N_("Done"),
        "closed": N_("Closed"),
    },
    "call_status": {
        "open": N_("Open"),
        "answered": N_("Answered"),
        "followed_up": N_("Followed up"),
        "closed": N_("Closed"),
    },
    "charge_status": {
        "open": N_("Unpaid"),
        "partially_paid": N_("Partly paid"),
        "paid": N_("Paid"),
        "overdue": N_("Overdue"),
        "void": N_("Void"),
    },
    "charge_kind": {
        "management_fee": N_("Management fee"),
        "rent": N_("Rent"),
        "venue_fee": N_("Venue management fee"),
        "paid_service": N_("Paid service"),
        "utilities": N_("Utilities"),
        "parking": N_("Parking"),
    },
    "payment_method": {
        "cash": N_("Cash"),
        "bank_transfer": N_("Bank transfer"),
        "card": N_("Card / Octopus"),
        "cheque": N_("Cheque"),
        "autopay": N_("Autopay"),
        "other": N_("Other"),
    },
    "timeline_action": {
        "recorded": N_("Recorded"),
        "classified": N_("Classified"),
        "identity_confirmed": N_("Identity confirmed"),
        "dispatched": N_("Dispatched"),
        "answered": N_("Answered"),
        "site_visit": N_("Site visit"),
        "escalated": N_("Escalated to valid"),
        "commitment_made": N_("Commitment made"),
        "commitment_kept": N_("Commitment kept"),
        "commitment_withdrawn": N_("Commitment withdrawn"),
        "task_created": N_("Task created"),
        "task_assigned": N_("Assigned"),
        "task_started": N_("Started"),
        "task_completed": N_("Completed"),
        "task_reopened": N_("Reopened"),
        "in_progress": N_("In progress"),
        "resolved": N_("Resolved"),
        "callback": N_("Callback"),
        "callback_opened": N_("Callback due"),
        "callback_attempt": N_("Callback attempt: not reached"),
        "callback_recorded": N_("Callback"),
        "started": N_("Started"),
        "reopened": N_("Reopened"),
        "closed": N_("Closed"),
        "cancelled": N_("Cancelled"),
        "overdue": N_("Overdue"),
    },
    # leasing (租務)
    "space_kind": {
        "ad_space": N_("Ad space"),
        "warehouse": N_("Warehouse"),
        "venue": N_("Venue"),
    },
    "negotiation_status": {
        "open": N_("Negotiating"),
        "agreed": N_("Agreed"),
        "lost": N_("Lost"),
    },
    "offered_by": {
        "counterparty": N_("Prospective tenant"),
        "office": N_("Management office"),
    },
    "contract_status": {
        "draft": N_("Draft"),
        "signed": N_("Signed"),
        "terminated": N_("Terminated early"),
        "cancelled": N_("Cancelled"),
    },
    "billing_cycle": {
        "monthly": N_("Monthly"),
        "quarterly": N_("Quarterly"),
        "once": N_("Once"),
    },
    "booking_status": {
        "requested": N_("Requested"),
        "signed": N_("Signed"),
        "in_use": N_("In use"),
        "completed": N_("Handed back"),
        "cancelled": N_("Cancelled"),
    },
    "ad_status": {
        "pending": N_("Awaiting approval"),
        "approved": N_("Approved"),
        "rejected": N_("Rejected"),
    },
    # the lines of a leasing record's history
    "leasing_step": {
        "created": N_("Drawn up"),
        "signed": N_("Signed"),
        "renewed": N_("Renewed"),
        "terminated": N_("Terminated early"),
        "cancelled": N_("Cancelled"),
        "booked": N_("Booked"),
        "checked_in": N_("Checked in"),
        "checked_out": N_("Checked out"),
        "submitted": N_("Submitted"),
        "approved": N_("Approved"),
        "rejected": N_("Rejected"),
    },
    "paid_service_status": {
        "quoted": N_("Quoted"),
        "accepted": N_("Accepted"),
        "completed": N_("Work completed"),
        "signed_off": N_("Signed off"),
        "cancelled": N_("Cancelled"),
    },
    "paid_service_step": {
        "quoted": N_("Quoted"),
        "accepted": N_("Accepted by the resident"),
        "work_order_created": N_("Work order made"),
        "completed": N_("Work completed"),
        "signed_off": N_("Signed off by the resident"),
        "callback_opened": N_("Callback due"),
        "callback_attempt": N_("Callback attempt: not reached"),
        "callback_recorded": N_("Callback"),
        "cancelled": N_("Cancelled"),
    },
    "notice_status": {
        "draft": N_("Draft"),
        "published": N_("Published"),
        "withdrawn": N_("Withdrawn"),
    },
    "notice_category": {
        "water_cut": N_("Water supply suspension"),
        "power_cut": N_("Power supply suspension"),
        "lift_maintenance": N_("Lift maintenance"),
        "fee_reminder": N_("Fee reminder"),
        "meeting": N_("Meeting"),
        "other": N_("Other"),
    },
    "notice_step": {
        "drafted": N_("Drafted"),
        "published": N_("Published"),
        "withdrawn": N_("Withdrawn"),
    },
    # what a record is called in a message ("the complaint is closed", "task 12 not found")
    "record_noun": {
        "record": N_("record"),
        "complaint": N_("complaint"),
        "task": N_("task"),
        "work order": N_("work order"),
        "property": N_("property"),
        "unit": N_("unit"),
        "party": N_("party"),
        "occupancy": N_("occupancy"),
        "call": N_("call"),
        "callback": N_("callback"),
        "commitment": N_("commitment"),
        "charge": N_("charge"),
        "payment": N_("payment"),
        "account": N_("account"),
        "user": N_("user"),
        "notification": N_("notification"),
        "dead letter": N_("dead letter"),
        "API key": N_("API key"),
        "space": N_("space"),
        "negotiation": N_("negotiation"),
        "contract": N_("contract"),
        "venue booking": N_("venue booking"),
        "ad placement": N_("ad"),
        "notice": N_("notice"),
        "paid service": N_("paid service"),
        "price list item": N_("price list item"),
    },
    # the lifecycle actions (a 409 wrong state names one): complaints, tasks, dead letters
    "action": {
        "classify": N_("Classify"),
        "confirm_identity": N_("Confirm identity"),
        "dispatch": N_("Dispatch"),
        "answer": N_("Answer"),
        "resolve": N_("Resolve"),
        "site_visit": N_("Site visit"),
        "escalate": N_("Escalate"),
        "cancel": N_("Cancel"),
        "add_commitment": N_("Add commitment"),
        "close": N_("Close"),
        "reopen": N_("Reopen"),
        "start": N_("Start"),
        "task_completed": N_("Complete the task"),
        "assign": N_("Assign"),
        "complete": N_("Complete"),
        "replay": N_("Replay"),
        "offer": N_("Record an offer"),
        "agree": N_("Agree"),
        "lose": N_("Mark as lost"),
        "sign": N_("Sign"),
        "renew": N_("Renew"),
        "terminate": N_("Terminate early"),
        "check_in": N_("Check in"),
        "check_out": N_("Check out"),
        "approve": N_("Approve"),
        "reject": N_("Reject"),
        "accept": N_("Accept"),
        "sign_off": N_("Sign off"),
        "work_order": N_("Record the work order"),
        "callback": N_("Callback"),
        "publish": N_("Publish"),
        "withdraw": N_("Withdraw"),
    },
}

# Badge tone per value (a CSS class; the badge always carries its text too, never colour alone).
TONES: dict[str, str] = {
    "recorded": "info",
    "classified": "info",
    "open": "info",
    "due": "warn",
    "dispatched": "accent",
    "assigned": "accent",
    "answered": "ok",
    "in_progress": "accent",
    "resolved": "ok",
    "completed": "ok",
    "closed": "muted",
    "done": "ok",
    "kept": "ok",
    "paid": "ok",
    "current": "ok",
    "reopened": "warn",
    "partially_paid": "warn",
    "arrears": "danger",
    "overdue": "danger",
    "urgent": "danger",
    "high": "warn",
    "cancelled": "muted",
    "withdrawn": "muted",
    "void": "muted",
    "agreed": "ok",
    "lost": "muted",
    "draft": "info",
    "signed": "ok",
    "terminated": "muted",
    "requested": "info",
    "in_use": "accent",
    "pending": "warn",
    "approved": "ok",
    "rejected": "muted",
    "quoted": "info",
    "accepted": "accent",
    "signed_off": "ok",
    "published": "ok",
}


def label(gettext: Callable[[str], str], group: str, value: str | None) -> str:
    """The user's-language name of ``value`` in ``group``; an unknown value shows as itself."""
    if value is None or value == "":
        return ""
    msgid = LABELS.get(group, {}).get(value)
    return gettext(msgid) if msgid else value.replace("_", " ")


def choices(gettext: Callable[[str], str], group: str) -> list[tuple[str, str]]:
    """(value, name) pairs for a <select>, in the declared order."""
    return [(value, gettext(msgid)) for value, msgid in LABELS[group].items()]


def tone(value: str | None) -> str:
    return TONES.get(value or "", "neutral")
