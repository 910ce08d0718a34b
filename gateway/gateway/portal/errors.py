"""The API's error messages in the user's language: ONE catalog of every message a portal form
can receive, as patterns.

- Pydantic's validation messages (422 ``errors[].message``): every template of pydantic-core,
  its ``{name}`` placeholders written ``%(name)s`` (gettext's named placeholders).
- The services' rule messages (422/409/403/404 free text): f-string parts are ``%(name)s``.
- A wrong state (409: ``current_state``, ``action``, ``allowed_from``) and a stale version
  (412, or 409 for a race lost without If-Match: ``current_version``, ``expected_version``)
  are composed from those members.

Each msgid is also its pattern: the literal text must match exactly, a placeholder matches any
text (``%(expected_plural)s`` matches "" or "s"). The Chinese is in the zh-Hant catalog; a
message with no pattern (or no translation yet) falls back to a translated sentence by status
with the English detail in brackets, never English alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gateway.portal import labels
from gateway.portal.i18n import N_, Formatter

# pydantic-core's message templates (``pydantic_core._pydantic_core.list_all_errors()``).
PYDANTIC_MESSAGES: tuple[str, ...] = (
    N_("Object has no attribute '%(attribute)s'"),
    N_("Invalid JSON: %(error)s"),
    N_("JSON input should be string, bytes or bytearray"),
    N_(
        "Cannot check `%(method_name)s` when validating from json, use a JsonOrPython validator "
        "instead"
    ),
    N_("Recursion error - cyclic reference detected"),
    N_("Recursion error - maximum validation depth exceeded"),
    N_("Field required"),
    N_("Field is frozen"),
    N_("Instance is frozen"),
    N_("Extra inputs are not permitted"),
    N_("Keys should be strings"),
    N_("Error extracting attribute: %(error)s"),
    N_("Input should be a valid dictionary or instance of %(class_name)s"),
    N_("Input should be a valid dictionary or object to extract fields from"),
    N_("Input should be a dictionary or an instance of %(class_name)s"),
    N_("Input should be an instance of %(class_name)s"),
    N_("Input should be a tuple, list, dictionary or an instance of %(class_name)s"),
    N_("The default factory uses validated data, but at least one validation error occurred"),
    N_("Input should be None"),
    N_("Input should be greater than %(gt)s"),
    N_("Input should be greater than or equal to %(ge)s"),
    N_("Input should be less than %(lt)s"),
    N_("Input should be less than or equal to %(le)s"),
    N_("Input should be a multiple of %(multiple_of)s"),
    N_("Input should be a finite number"),
    N_(
        "%(field_type)s should have at least %(min_length)s item%(expected_plural)s after "
        "validation, not %(actual_length)s"
    ),
    N_(
        "%(field_type)s should have at most %(max_length)s item%(expected_plural)s after "
        "validation, not %(actual_length)s"
    ),
    N_("Input should be iterable"),
    N_("Error iterating over object, error: %(error)s"),
    N_("Input should be a valid string"),
    N_("Input should be a valid string, unable to parse raw data as a unicode string"),
    N_("String should have at least %(min_length)s character%(expected_plural)s"),
    N_("String should have at most %(max_length)s character%(expected_plural)s"),
    N_("String should match pattern '%(pattern)s'"),
    N_("String should contain only ASCII characters"),
    N_("Input should be %(expected)s"),  # enum and literal
    N_("Input should be a valid dictionary"),
    N_("Input should be a valid frozendict"),
    N_("Input should be a valid OrderedDict"),
    N_("Input should be a valid Counter"),
    N_("Input should be a valid mapping, error: %(error)s"),
    N_("Input should be a valid list"),
    N_("Input should be a valid deque"),
    N_("Input should be a valid tuple"),
    N_("Input should be a valid set"),
    N_("Set items should be hashable"),
    N_("Input should be a valid boolean"),
    N_("Input should be a valid boolean, unable to interpret input"),
    N_("Input should be a valid integer"),
    N_("Input should be a valid integer, unable to parse string as an integer"),
    N_("Unable to parse input string as an integer, exceeded maximum size"),
    N_("Input should be a valid integer, got a number with a fractional part"),
    N_("Input should be a valid number"),
    N_("Input should be a valid number, unable to parse string as a number"),
    N_("Input should be a valid bytes"),
    N_("Data should have at least %(min_length)s byte%(expected_plural)s"),
    N_("Data should have at most %(max_length)s byte%(expected_plural)s"),
    N_("Data should be valid %(encoding)s: %(encoding_error)s"),
    N_("Value error, %(error)s"),
    N_("Assertion failed, %(error)s"),
    N_("Input should be the 'MISSING' sentinel"),
    N_("Input should be the 'Ellipsis' literal"),
    N_("Input should be a valid date"),
    N_("Input should be a valid date in the format YYYY-MM-DD, %(error)s"),
    N_("Input should be a valid date or datetime, %(error)s"),
    N_("Datetimes provided to dates should have zero time - e.g. be exact dates"),
    N_("Date should be in the past"),
    N_("Date should be in the future"),
    N_("Input should be a valid time"),
    N_("Input should be in a valid time format, %(error)s"),
    N_("Input should be a valid datetime"),
    N_("Input should be a valid datetime, %(error)s"),
    N_("Invalid datetime object, got %(error)s"),
    N_("Input should be a valid datetime or date, %(error)s"),
    N_("Input should be in the past"),
    N_("Input should be in the future"),
    N_("Input should not have timezone info"),
    N_("Input should have timezone info"),
    N_("Timezone offset of %(tz_expected)s required, got %(tz_actual)s"),
    N_("Input should be a valid timedelta"),
    N_("Input should be a valid timedelta, %(error)s"),
    N_("Input should be a valid frozenset"),
    N_("Input should be an instance of %(class)s"),
    N_("Input should be a subclass of %(class)s"),
    N_("Input should be callable"),
    N_(
        "Input tag '%(tag)s' found using %(discriminator)s does not match any of the expected "
        "tags: %(expected_tags)s"
    ),
    N_("Unable to extract tag using discriminator %(discriminator)s"),
    N_("Arguments must be a tuple, list or a dictionary"),
    N_("Missing required argument"),
    N_("Unexpected keyword argument"),
    N_("Missing required keyword only argument"),
    N_("Unexpected positional argument"),
    N_("Missing required positional only argument"),
    N_("Got multiple values for argument"),
    N_("URL input should be a string or URL"),
    N_("Input should be a valid URL, %(error)s"),
    N_("Input violated strict URL syntax rules, %(error)s"),
    N_("URL should have at most %(max_length)s character%(expected_plural)s"),
    N_("URL scheme should be %(expected_schemes)s"),
    N_("UUID input should be a string, bytes or UUID object"),
    N_("Input should be a valid UUID, %(error)s"),
    N_("UUID version %(expected_version)s expected"),
    N_("Decimal input should be an integer, float, string or Decimal object"),
    N_("Input should be a valid decimal"),
    N_("Decimal input should have no more than %(max_digits)s digit%(expected_plural)s in total"),
    N_(
        "Decimal input should have no more than %(decimal_places)s decimal place%(expected_plural)s"
    ),
    N_(
        "Decimal input should have no more than %(whole_digits)s digit%(expected_plural)s before "
        "the decimal point"
    ),
    N_("Fraction input should be an integer, float, string or Fraction object"),
    N_("Input is not a valid fraction"),
    N_(
        "Input should be a valid python complex object, a number, or a valid complex string "
        "following the rules at https://docs.python.org/3/library/functions.html#complex"
    ),
    N_(
        "Input should be a valid complex string following the rules at "
        "https://docs.python.org/3/library/functions.html#complex"
    ),
    # more precise than its template: "String should have at least 1 character" is "required"
    N_("String should have at least 1 character"),
)

# The services' and the gateway's rule messages a portal form can meet (``raise Invalid(...)``,
# ``Conflict``, ``Forbidden``, ``NotFound``, and the ``ValueError`` of model validators).
RULE_MESSAGES: tuple[str, ...] = (
    # gateway
    N_("wrong username or password, or the user is deactivated"),
    N_("the change conflicts with existing data"),
    N_("username %(username)s is taken"),
    N_("the current password is wrong"),
    N_("the new password is the current one"),
    N_("this would leave no active admin"),
    N_("the dashboard is for managers"),
    N_("a unit's page needs read rights on the front desk or fees"),
    N_("no service named %(service)s"),
    N_("%(noun)s %(ident)s not found"),
    # shared
    N_('If-Match must name one version (the ETag) in ASCII digits, e.g. "3"'),
    N_("If-Match and version name different versions"),
    N_("no access to property %(property_id)s"),
    N_("role(s) %(roles)s may not write %(service)s"),
    N_("role(s) %(roles)s may not read %(service)s"),
    N_("requires role %(roles)s"),
    N_("%(field)s must not be empty"),
    N_("Idempotency-Key is longer than 200 characters"),
    N_("Idempotency-Key was already used with a different body"),
    N_("dead letter was already replayed"),
    N_("message cannot be parsed, so it cannot be replayed: %(error)s"),
    N_("this service has no handler for %(event_type)s"),
    N_("replay failed: %(error)s"),
    N_("no user named %(username)s"),
    N_("user %(username)s is deactivated"),
    N_("user %(username)s is not in %(department)s (roles %(roles)s)"),
    N_("'from' is after 'to'"),
    N_("a period is at most %(days)s days"),
    N_("%(name)s is not an IANA time zone (e.g. 'Asia/Hong_Kong')"),
    # shared: recurrence rules (propops.recurrence)
    N_("a recurrence rule is required, e.g. FREQ=WEEKLY;BYDAY=MO"),
    N_("a recurrence rule is text, e.g. FREQ=DAILY"),
    N_("one RRULE line of at most %(max_length)s characters, e.g. FREQ=DAILY"),
    N_("%(piece)s is not NAME=VALUE"),
    N_("%(part)s is not supported (use %(parts)s)"),
    N_("%(part)s is given twice"),
    N_("FREQ is required, e.g. FREQ=DAILY"),
    N_("FREQ must be one of %(freqs)s"),
    N_("COUNT and UNTIL cannot both be given"),
    N_("%(part)s must be a whole number from 1 to %(top)s"),
    N_("INTERVAL with FREQ=%(freq)s cannot be combined with %(parts)s"),
    N_("with INTERVAL, BYMONTHDAY must be 1..28 or -28..-1"),
    N_("with INTERVAL, BYDAY must be weekdays (or 1MO..4MO, -1MO)"),
    N_("%(part)s values must be %(span)s (got %(value)s)"),
    N_("BYDAY %(value)s: a weekday (MO..SU); an ordinal is %(span)s"),
    N_("UNTIL must be a date (20261231) or a date-time (20261231T235959Z)"),
    N_("UNTIL %(value)s is not a real date"),
    N_("not a valid recurrence rule: %(problem)s"),
    N_("the rule never occurs (or less than once in %(years)s years)"),
    N_("the rule never occurs from this start"),
    # engineering: equipment and maintenance plans
    N_("equipment code %(code)s is taken"),
    N_("a maintenance plan recurs daily at most (FREQ=HOURLY is not one)"),
    N_("starts_on is more than %(days)s days ago (past services are not work to do)"),
    # fees
    N_(
        "unit already has a %(charge_kind)s charge for %(period)s (charge %(charge_id)s); void "
        "that one first to charge it again"
    ),
    N_("charge was already voided by %(user)s: %(reason)s"),
    N_("a payment cannot be dated in the future"),
    N_("unit %(unit_id)s has no fee account"),
    N_("unit %(unit_id)s is not in arrears"),
    N_("unit %(unit_id)s has an open collection case"),
    N_("'from' must not be after 'to'"),
    N_("a statement covers at most %(days)s days"),
    N_(
        "the property already has a rate from %(day)s (rate %(rate_id)s); add the new rate from "
        "another day"
    ),
    N_("the property has no fee rate in force on %(day)s: add one first"),
    # front desk: register, parties, calls
    N_("property code %(code)s is taken"),
    N_("property %(property_id)s does not exist"),
    N_("property_id is required: you see only some properties"),
    N_("unit %(building)s/%(number)s is already registered"),
    N_("unit %(unit_id)s does not exist"),
    N_("unit %(unit_id)s is not a unit of this property"),
    N_("party %(party_id)s does not exist"),
    N_("phone must contain digits"),
    N_(
        "this party is already %(occupancy_role)s of this unit from %(start)s to %(until)s "
        "(occupancy %(occupancy_id)s); end that one first"
    ),
    N_("occupancy already ended on %(end_date)s"),
    N_("end_date is before the start (%(start_date)s)"),
    N_("end_date is before start_date"),
    N_("%(name)s cannot be null"),
    N_("this call has no open question (it is %(call_status)s)"),
    N_("this call is already complaint %(complaint_id)s"),
    # front desk: complaints, callbacks, commitments, Open311 keys
    N_("kind (help, consult or vent) is required for a communication complaint"),
    N_("kind applies to communication complaints only"),
    N_("an escalated complaint stays valid"),
    N_("confirm the complainant's identity first (communication complaint)"),
    N_("only a consult can be answered at the desk"),
    N_("this complaint is worked by %(department)s; it is resolved when their task is completed"),
    N_("site visits are for valid complaints (classify or escalate first)"),
    N_("visited_at is in the future"),
    N_("only a communication complaint can be escalated to a valid one"),
    N_("this callback is already done"),
    N_("satisfaction (1-5) is required when the resident was reached"),
    N_("%(count)s open commitment(s) must be kept or withdrawn before the complaint closes"),
    N_("commitment is already %(commitment_status)s"),
    N_("this API key is already revoked"),
    # leasing
    N_("property already has a space %(code)s (%(name)s)"),
    N_("space %(space_id)s does not exist"),
    N_("space %(code)s is a %(space_kind)s, not a %(wanted_space_kind)s"),
    N_("a contract ends on or after its start date"),
    N_("negotiation %(negotiation_id)s is not one of space %(code)s"),
    N_("negotiation is %(negotiation_status)s, not agreed: nothing was agreed to sign"),
    N_("space %(code)s is let under contract %(reference)s (%(tenant)s) from %(start)s to %(end)s"),
    N_("a renewal ends after the current end date %(end_date)s"),
    N_("an early end falls from the start %(start)s to the day before the end %(end)s"),
    N_("a booking ends after it starts"),
    N_("venue %(code)s is booked by %(organizer)s under %(reference)s from %(start)s to %(end)s"),
    N_("a booking is signed with its venue management fee"),
    N_("an ad comes down on or after the day it goes up"),
    N_("contract %(contract_id)s is not one of space %(code)s"),
    N_("ad space %(code)s shows %(advertiser)s's ad from %(start)s to %(end)s"),
    N_("document %(document_id)s is not an artwork of the archive that leasing knows"),
    N_("artwork %(title)s is of another property"),
    N_("artwork %(title)s is archived"),
    N_(
        "booking %(reference)s started at %(start)s: a signed booking is cancelled before its start"
    ),
    # front desk: visitors and release passes; the gate (security)
    N_("name either host_unit_id or host_department, not both"),
    N_("the visitor's document must be seen to confirm"),
    N_("confirm the visitor's identity first"),
    N_("the desk has not confirmed this visitor's identity: check their document"),
    N_("name the kind of document seen"),
    N_("valid_until must be after planned_at"),
    N_("%(party)s is not a current owner, tenant or resident of unit %(unit)s"),
    N_("%(owner)s is not a current owner of unit %(unit)s"),
    N_("the pass would be expired already"),
    N_("cannot issue: missing %(missing)s"),
    N_("release pass %(reference)s expired at %(at)s; refused"),
    # front desk: meeting rooms, handovers, documents
    N_("the property already has a room named %(name)s"),
    N_("end must be after start"),
    N_("a booking lasts at most 24 hours"),
    N_("%(room)s seats %(capacity)s, not %(attendees)s"),
    N_("%(room)s is booked from %(start)s to %(end)s (%(reference)s, %(organizer)s)"),
    N_("booking has no checklist item %(item_id)s"),
    N_("equipment is complete: no item can be missing"),
    N_("name the equipment that is missing"),
    N_("booking %(reference)s starts at %(start)s: it is closed once it has started"),
    N_("%(room)s has no %(items)s (its equipment: %(equipment)s)"),
    N_("the successor acknowledges a handover, not the receptionist who wrote it"),
    N_("give exactly one of unit_id, party_id and property_id"),
    N_("party %(party_id)s is registered at no property"),
    N_("the file is larger than %(limit)s bytes"),
    N_("the file is empty"),
    N_("the content of document %(document_id)s is not stored"),
    N_("request body larger than %(max_bytes)s bytes"),
    # cleaning: areas, schedules, hygiene checks, greening
    N_("the property already has an area %(code)s (%(name)s)"),
    N_(
        "a cleaning schedule makes one task a day: the rule must not recur within a day "
        "(no FREQ=HOURLY, one BYHOUR and BYMINUTE at most); make two schedules instead"
    ),
    N_("notes must say what failed the check"),
    N_("starts_on %(starts_on)s is in the past (today is %(today)s)"),
    N_("area %(code)s is in another property than the job"),
    N_("expected finish %(expected_finish)s is before the start %(start_date)s"),
    N_("progress cannot go back from %(old)s to %(new)s percent"),
    # front desk: who decides about the desk's staff and day (propops.supervisor)
    N_("no one decides on their own leave"),
    N_("only the front desk's supervisor or a manager approves or refuses leave"),
    N_("only the front desk's supervisor adds, reassigns or cancels shifts"),
    N_("only %(user)s or the front desk's supervisor clocks in and out of this shift"),
    N_("only the front desk's supervisor or a manager signs the daily review"),
    N_("supervisor is the front desk's supervisor: give frontdesk too"),
    # security: posts, roster, patrols
    N_("property already has a post %(code)s (%(name)s)"),
    N_(
        "%(guard)s is already on shift at post %(post)s from %(start)s to %(end)s "
        "(shift %(shift_id)s)"
    ),
    N_("a shift lasts at most 24 hours"),
    N_("must be between 1970 and 2199"),
    N_("must not be blank"),
    N_("date must be between 1970-01-01 and 2199-12-31"),
    N_("a local time without a zone, e.g. 08:00"),
    N_("whole minutes, e.g. 08:00"),
    N_("route %(route)s has no checkpoint %(code)s (it has %(codes)s)"),
    N_("checkpoint %(code)s was scanned already at %(at)s"),
    N_("at must be between the patrol's start and now"),
    N_("checkpoint codes repeat: %(codes)s"),
    # front desk: notices, paid services
    N_("property %(property_code)s has no building %(buildings)s"),
    N_("publish_until must be after publish_from"),
    N_("the notice's window has ended: publish_until is in the past"),
    N_("%(property_code)s already has an item '%(item_code)s'"),
    N_("item '%(item_code)s' is not on the property's price list"),
    N_("item '%(item_code)s' was withdrawn from the property's price list"),
    N_("item '%(item_code)s' is listed twice"),
    N_("%(name)s does not own, rent or live in unit %(building)s %(number)s"),
    # front desk: inspections (templates, rounds) and an item's photo from the archive
    N_("item codes must be unique"),
    N_("a %(inspection_department)s template named '%(name)s' exists"),
    N_('a %(inspection_department)s template named "%(name)s" exists'),  # the name has a '
    N_("inspection template %(template_id)s is not one of this property's"),
    N_("'%(code)s' is not an item of this checklist (%(codes)s)"),
    N_("no result yet for: %(codes)s"),
    N_("document %(document_id)s is not in this property's archive"),
    N_("document %(document_id)s is archived"),
    # front desk: desk staff (shifts, clock-in/out, leave, training)
    N_("%(user)s is on approved leave from %(start)s to %(end)s"),
    N_("the shift is already %(user)s's"),
    N_("only %(user)s clocks in and out of this shift"),
    N_("at is in the future"),
    N_("too early: at most 4 hours before the shift starts"),
    N_("the shift has ended"),
    N_("before the clock-in"),
    N_("to must not be before from"),
    N_("a leave request covers at most a year"),
    N_("%(user)s already has leave %(leave_status)s from %(start)s to %(end)s"),
    N_("no one decides on their own leave"),
    N_("only %(user)s or whoever entered the request cancels it"),
    N_("user %(username)s does not work at property %(property_code)s"),
    N_("course code %(code)s is taken"),
    N_("training course %(course_id)s does not exist"),
    N_("attended_on is in the future"),
    # front desk: the supervisor's daily review (and the gateway's view of the day)
    N_("%(date)s is signed already, by %(user)s (review %(review_id)s)"),
    N_("%(date)s has not begun yet at the property (%(time_zone)s)"),
    N_("the daily review is for the front desk's supervisor and managers"),
)

# What a message with no pattern (or no translation yet) becomes, by status.
FALLBACKS: dict[int | None, str] = {
    None: N_("The request was refused (%(detail)s)"),
    400: N_("The data is not valid (%(detail)s)"),
    403: N_("You are not allowed to do this (%(detail)s)"),
    404: N_("Not found (%(detail)s)"),
    409: N_("This conflicts with the record's current state (%(detail)s)"),
    412: N_("The record was changed meanwhile; reload it and try again (%(detail)s)"),
    422: N_("The data is not valid (%(detail)s)"),
}

WRONG_STATE = N_("The %(noun)s is “%(state)s”: “%(action)s” is not possible now.")
ALLOWED_FROM = N_("It is possible when it is %(states)s.")
STALE_VERSION = N_(
    "The %(noun)s was changed by someone else (it is now at version %(current)s, you had "
    "version %(expected)s); reload it and try again."
)
STALE = N_("The %(noun)s was changed by someone else meanwhile; reload it and try again.")
QUOTED = N_("“%(state)s”")
OR = N_("%(first)s or %(last)s")  # "'a', 'b' or 'c'" (pydantic's list of choices)

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_NOUN = re.compile(r"(?:the )?(?P<noun>[a-zA-Z -]+?) (?:is|was) ")
# the status group of each noun's states (others: searched in every status group)
_STATE_GROUP = {
    "complaint": "complaint_status",
    "task": "task_status",
    "work order": "task_status",
    "negotiation": "negotiation_status",
    "contract": "contract_status",
    "venue booking": "booking_status",
    "ad placement": "ad_status",
    "visit": "visit_status",
    "collection case": "collection_status",
    "visitor": "visit_status",
    "release pass": "release_pass_status",
    "booking": "meeting_booking_status",
    "follow-up": "follow_up_status",
    "handover": "handover_status",
    "document": "document_status",
    "greening job": "greening_status",
    "notice": "notice_status",
    "paid service": "paid_service_status",
    "inspection": "inspection_status",
    "nonconformance": "nonconformance_status",
    "shift": "staff_shift_status",
    "leave request": "leave_status",
    "security alert": "alert_status",
    "patrol": "patrol_run_status",
}
# placeholders translated by a label group not named like them (the others: their own name)
_PARAM_GROUP = {"wanted_space_kind": "space_kind"}
_STATUS_GROUPS = tuple(g for g in labels.LABELS if g.endswith("_status"))


@dataclass(frozen=True)
class Pattern:
    msgid: str
    regex: re.Pattern[str]
    literal: int  # characters of literal text: the most specific pattern is tried first

    @classmethod
    def of(cls, msgid: str) -> Pattern:
        parts: list[str] = []
        seen: set[str] = set()
        pos = 0
        for m in _PLACEHOLDER.finditer(msgid):
            parts.append(re.escape(msgid[pos : m.start()]))
            name = m.group(1)
            if name == "expected_plural":
                parts.append("s?")
            elif name == "expected":  # pydantic's choices: quoted values or numbers
                parts.append(r"(?P<expected>['\d-].*?)")
                seen.add(name)
            elif name == "ident" or name.endswith("_id"):  # an id: one word
                parts.append(rf"(?P<{name}>\S+)")
                seen.add(name)
            elif name in seen:
                parts.append(f"(?P={name})")
            else:
                parts.append(f"(?P<{name}>.+?)")
                seen.add(name)
            pos = m.end()
        parts.append(re.escape(msgid[pos:]))
        literal = len(_PLACEHOLDER.sub("", msgid))
        return cls(msgid, re.compile("".join(parts), re.DOTALL), literal)


PATTERNS: tuple[Pattern, ...] = tuple(
    sorted(
        (Pattern.of(m) for m in dict.fromkeys(PYDANTIC_MESSAGES + RULE_MESSAGES)),
        key=lambda p: -p.literal,
    )
)

# ERROR_MESSAGES: every msgid of the catalog (kept under its old name for web.py's users)
ERROR_MESSAGES: tuple[str, ...] = tuple(p.msgid for p in PATTERNS)


def _one_of(fm: Formatter, items: list[str]) -> str:
    """The items as "a, b or c" in the user's language."""
    if len(items) < 2:
        return "".join(items)
    comma = ", " if fm.language == "en" else "、"
    return fm.gettext(OR) % {"first": comma.join(items[:-1]), "last": items[-1]}


def _choices(fm: Formatter, text: str) -> str:
    """pydantic's "'a', 'b' or 'c'" in the user's language."""
    first, sep, last = text.rpartition(" or ")
    return _one_of(fm, [*first.split(", "), last]) if sep else text


def _param(fm: Formatter, name: str, value: str, status: int | None) -> str:
    if name == "error":
        return translate_error(fm, value, status)
    if name == "expected":
        return _choices(fm, value)
    if name == "noun":
        return labels.label(fm.gettext, "record_noun", value)
    group = _PARAM_GROUP.get(name, name)
    if group in labels.LABELS:  # department, occupancy_role, call_status, leave_status, ...
        return labels.label(fm.gettext, group, value)
    return value


def _translated(fm: Formatter, message: str, status: int | None) -> str | None:
    for pattern in PATTERNS:
        m = pattern.regex.fullmatch(message)
        if m is None:
            continue
        translated = fm.gettext(pattern.msgid)
        if translated == pattern.msgid:
            return None  # no translation yet: the fallback says it in the user's language
        params = {k: _param(fm, k, v, status) for k, v in m.groupdict().items()}
        try:
            return translated % params
        except (KeyError, ValueError, TypeError):
            return None
    return None


def fallback(fm: Formatter, status: int | None, detail: str) -> str:
    """A sentence in the user's language by status, the English detail in brackets."""
    msgid = FALLBACKS.get(status) or FALLBACKS[422 if status and status < 500 else None]
    return fm.gettext(msgid) % {"detail": detail}


def translate_error(fm: Formatter, message: str, status: int | None = None) -> str:
    """The API's English ``message`` in the user's language: by its pattern in the catalog;
    otherwise a sentence by ``status`` with the English in brackets. English readers get the
    message itself. pydantic's "Value error, " prefix is dropped first: a pattern that begins
    with a placeholder ("%(user)s is on approved leave ...") would otherwise take it in."""
    message = message.strip().removeprefix("Value error, ")
    if fm.language == "en":
        return message
    found = _translated(fm, message, status)
    return found if found is not None else fallback(fm, status, message)


def _noun(detail: str) -> str:
    m = _NOUN.match(detail)
    noun = m.group("noun") if m else "record"
    return noun if noun in labels.LABELS["record_noun"] else "record"


def _state(fm: Formatter, noun: str, state: str) -> str:
    group = _STATE_GROUP.get(noun)
    if group is None:
        group = next((g for g in _STATUS_GROUPS if state in labels.LABELS[g]), "")
    return labels.label(fm.gettext, group, state)


def problem_message(fm: Formatter, status: int, problem: Mapping[str, Any]) -> str | None:
    """A wrong state (409) or a stale version (412, or 409 changed meanwhile) told from the
    problem's members in the user's language; None for any other problem."""
    detail = str(problem.get("detail") or "")
    if status == 409 and problem.get("current_state") and problem.get("action"):
        noun = _noun(detail)
        text = fm.gettext(WRONG_STATE) % {
            "noun": labels.label(fm.gettext, "record_noun", noun),
            "state": _state(fm, noun, str(problem["current_state"])),
            "action": labels.label(fm.gettext, "action", str(problem["action"])),
        }
        allowed = [_state(fm, noun, str(s)) for s in problem.get("allowed_from") or []]
        if allowed:
            states = _one_of(fm, [fm.gettext(QUOTED) % {"state": s} for s in allowed])
            space = " " if fm.language == "en" else ""
            text += space + fm.gettext(ALLOWED_FROM) % {"states": states}
        return text
    # a stale version (412), or a race lost without a version named (409, the same members)
    if status in (409, 412) and ("current_version" in problem or "expected_version" in problem):
        noun = labels.label(fm.gettext, "record_noun", _noun(detail))
        current, expected = problem.get("current_version"), problem.get("expected_version")
        if current is None or expected is None:
            return fm.gettext(STALE) % {"noun": noun}
        return fm.gettext(STALE_VERSION) % {
            "noun": noun,
            "current": current,
            "expected": expected,
        }
    return None
