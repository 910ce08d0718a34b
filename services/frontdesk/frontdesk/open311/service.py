"""Rules of Open311 at the front desk: API keys, jurisdictions (property codes), filing a
request as a recorded complaint, and reading requests and their updates back.

A request is a complaint (channel ``app``) left *recorded* for the desk to classify; the
service's suggested nature, kind and department are written in the complaint's timeline (step
``open311_request``) for the clerk. A retry from the same app and device with the same service,
text and answers within ``REPEAT_WINDOW`` answers the request already filed instead of a new one.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from frontdesk.complaints import service as complaints
from frontdesk.complaints.models import FINAL_STATES, Complaint, ComplaintStep
from frontdesk.complaints.schemas import ComplaintIn
from frontdesk.open311.catalog import ServiceType
from frontdesk.open311.documents import Open311Error
from frontdesk.open311.models import ApiKey, Open311Request
from frontdesk.open311.progress import MEANINGFUL_ACTIONS, latest_notes
from frontdesk.open311.schemas import Submission
from frontdesk.open311.submission import MAX_DESCRIPTION, bad, parse_datetime
from frontdesk.register.models import Property, Unit
from frontdesk.settings import FrontdeskSettings
from propops.db import utcnow
from propops.errors import Conflict, NotFound
from propops.lists import Filter, ListQuery, ListSpec, boolean

KEY_PREFIX = "o311_"
REPEAT_WINDOW = timedelta(minutes=10)
MAX_SPAN = timedelta(days=90)
MAX_RESULTS = 1000
STATUSES = ("open", "closed")

# --- API keys ------------------------------------------------------------------------------------


def hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


async def issue_key(session: AsyncSession, name: str, actor: str) -> tuple[ApiKey, str]:
    """A new key: the row keeps its hash; the key itself is returned once."""
    api_key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(
        name=name,
        key_hash=hash_key(api_key),
        key_prefix=api_key[: len(KEY_PREFIX) + 4],
        created_at=utcnow(),
        created_by=actor,
    )
    session.add(row)
    await session.flush()
    return row, api_key


KEYS = ListSpec(
    filters=(
        Filter(
            "active",
            type=bool,
            where=boolean(lambda: ApiKey.revoked_at.is_(None)),
            description="only active (or only revoked) keys",
        ),
    ),
    sort={"created_at": ApiKey.created_at, "name": ApiKey.name},
    default_sort="created_at",
    id_column=ApiKey.id,
)


def list_keys(query: ListQuery | None = None) -> Select[tuple[ApiKey]]:
    return KEYS.apply(select(ApiKey), query or KEYS.query())


async def revoke_key(session: AsyncSession, key_id: str, actor: str) -> ApiKey:
    row = await session.get(ApiKey, key_id)
    if row is None:
        raise NotFound(f"API key {key_id} not found", field="key_id")
    if row.revoked_at is not None:
        raise Conflict("this API key is already revoked", field="status")
    row.revoked_at = utcnow()
    row.revoked_by = actor
    return row


async def authenticate(session: AsyncSession, api_key: str | None) -> ApiKey:
    if not api_key:
        raise Open311Error(403, "api_key is required")
    row = await session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(api_key)))
    if row is None:
        raise Open311Error(403, "api_key is not valid")
    if row.revoked_at is not None:
        raise Open311Error(403, "api_key has been revoked")
    return row


# --- jurisdictions -------------------------------------------------------------------------------


async def jurisdiction(session: AsyncSession, code: str | None) -> Property:
    """The property whose code is ``jurisdiction_id`` (required: one front desk serves several
    properties)."""
    if not code:
        raise bad("jurisdiction_id is required: the property code")
    prop = await session.scalar(select(Property).where(Property.code == code))
    if prop is None:
        raise Open311Error(404, f"unknown jurisdiction_id {code!r}")
    return prop


# --- filing a request ----------------------------------------------------------------------------


def actor_of(key: ApiKey) -> str:
    return f"open311:{key.name}"[:120]


def compose_description(service: ServiceType, sub: Submission) -> str:
    """The complaint's text: the resident's description (or the service name), then the
    answers to the service's attributes, within the complaint's 4000 characters."""
    lines = []
    for code, answer in sub.attributes.items():
        attribute = service.attribute(code)
        assert attribute is not None
        shown = answer if isinstance(answer, list) else [answer]
        lines.append(f"{attribute.label}: {', '.join(attribute.value_name(v) for v in shown)}")
    extra = "\n\n" + "\n".join(lines) if lines else ""
    text = sub.description or service.name
    room = MAX_DESCRIPTION - len(extra)
    if len(text) > room:
        text = text[: room - 1] + "…"
    return text + extra


async def unit_of(session: AsyncSession, prop: Property, address_id: str | None) -> Unit | None:
    if address_id is None:
        return None
    unit = await session.get(Unit, address_id)
    if unit is None or unit.property_id != prop.id:
        raise bad("address_id is not a unit of this property")
    return unit


def location_of(sub: Submission, unit: Unit | None) -> str:
    if sub.address_string:
        return sub.address_string
    if unit is not None:
        return f"{unit.building} {unit.number}"
    return f"{sub.lat}, {sub.long}"


async def find_repeat(
    session: AsyncSession, key: ApiKey, prop: Property, sub: Submission
) -> Complaint | None:
    """The request this one repeats (same app, device, service, text and answers, recently)."""
    if not sub.device_id:
        return None
    rows = await session.scalars(
        select(Open311Request).where(
            Open311Request.api_key_id == key.id,
            Open311Request.device_id == sub.device_id,
            Open311Request.property_id == prop.id,
            Open311Request.service_code == sub.service_code,
            Open311Request.created_at >= utcnow() - REPEAT_WINDOW,
        )
    )
    for row in rows:
        if row.description == sub.description and row.attributes == sub.attributes:
            return await session.get(Complaint, row.complaint_id)
    return None


async def _note_for_clerk(
    session: AsyncSession, complaint: Complaint, service: ServiceType, key: ApiKey, sub: Submission
) -> None:
    contact = {
        "first_name": sub.first_name,
        "last_name": sub.last_name,
        "email": sub.email,
        "phone": sub.phone,
        "account_id": sub.account_id,
    }
    complaints.add_step(
        session,
        complaint,
        "open311_request",
        actor_of(key),
        service_code=service.code,
        service_name=service.name,
        suggested={
            "nature": service.nature,
            "kind": service.kind,
            "department": service.department,
        },
        app=key.name,
        attributes=sub.attributes or None,
        media_url=sub.media_url,
        device_id=sub.device_id,
        contact={k: v for k, v in contact.items() if v is not None} or None,
    )


@dataclass(frozen=True)
class Filed:
    complaint: Complaint
    row: Open311Request
    repeated: bool


async def file_request(
    session: AsyncSession,
    settings: FrontdeskSettings,
    prop: Property,
    key: ApiKey,
    service: ServiceType,
    sub: Submission,
) -> Filed:
    """Record the complaint (or find the one this request repeats); the caller commits."""
    key.last_used_at = utcnow()
    repeat = await find_repeat(session, key, prop, sub)
    if repeat is not None:
        row = await session.get(Open311Request, repeat.id)
        assert row is not None
        return Filed(repeat, row, repeated=True)
    unit = await unit_of(session, prop, sub.address_id)
    data = ComplaintIn(
        property_id=prop.id,
        unit_id=unit.id if unit else None,
        channel="app",
        description=compose_description(service, sub),
        location=location_of(sub, unit),
    )
    complaint = await complaints.record(
        session, settings, data, actor_of(key), service_code=service.code, app_id=key.id
    )
    await _note_for_clerk(session, complaint, service, key, sub)
    row = Open311Request(
        complaint_id=complaint.id,
        property_id=prop.id,
        api_key_id=key.id,
        created_at=complaint.created_at,
        **{name: getattr(sub, name) for name in Submission.__dataclass_fields__},
    )
    session.add(row)
    await session.flush()
    return Filed(complaint, row, repeated=False)


# --- reading requests back -----------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def comma_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def window(start_date: str | None, end_date: str | None, now: datetime | None = None) -> Window:
    """``start_date``/``end_date``: by default the last 90 days; one alone spans 90 days from
    (or to) it; both may not span more than 90 days."""
    start = parse_datetime(start_date, "start_date") if start_date else None
    end = parse_datetime(end_date, "end_date") if end_date else None
    if start is None and end is None:
        end = now or utcnow()
    if start is None:
        assert end is not None
        return Window(end - MAX_SPAN, end)
    if end is None:
        return Window(start, start + MAX_SPAN)
    if end < start:
        raise bad("end_date is before start_date")
    if end - start > MAX_SPAN:
        raise bad("start_date and end_date may not span more than 90 days")
    return Window(start, end)


def statuses(value: str | None) -> set[str]:
    wanted = set(comma_list(value))
    unknown = wanted - set(STATUSES)
    if unknown:
        raise bad(f"status must be open or closed (a comma list), not {', '.join(sorted(unknown))}")
    return wanted


@dataclass(frozen=True)
class RequestFilter:
    ids: list[str]
    service_codes: list[str]
    statuses: set[str]
    window: Window


def request_filter(
    service_request_id: str | None,
    service_code: str | None,
    start_date: str | None,
    end_date: str | None,
    status: str | None,
) -> RequestFilter:
    ids = comma_list(service_request_id)
    if ids:  # overrides every other filter
        return RequestFilter(ids[:MAX_RESULTS], [], set(), window(None, None))
    return RequestFilter(
        [], comma_list(service_code), statuses(status), window(start_date, end_date)
    )


def _requests_stmt(prop: Property) -> Select[tuple[Complaint, Open311Request]]:
    return (
        select(Complaint, Open311Request)
        .join(Open311Request, Open311Request.complaint_id == Complaint.id)
        .where(Open311Request.property_id == prop.id)
        .order_by(Complaint.created_at.desc(), Complaint.id)
    )


def requests_query(
    prop: Property, wanted: RequestFilter
) -> Select[tuple[Complaint, Open311Request]]:
    stmt = _requests_stmt(prop)
    if wanted.ids:
        return stmt.where(Complaint.id.in_(wanted.ids))
    stmt = stmt.where(
        Complaint.created_at >= wanted.window.start, Complaint.created_at <= wanted.window.end
    )
    if wanted.service_codes:
        stmt = stmt.where(Open311Request.service_code.in_(wanted.service_codes))
    if wanted.statuses == {"closed"}:
        stmt = stmt.where(Complaint.status.in_(FINAL_STATES))
    elif wanted.statuses == {"open"}:
        stmt = stmt.where(Complaint.status.not_in(FINAL_STATES))
    return stmt.limit(MAX_RESULTS)


async def find_requests(
    session: AsyncSession, prop: Property, wanted: RequestFilter
) -> list[tuple[Complaint, Open311Request]]:
    rows = (await session.execute(requests_query(prop, wanted))).tuples().all()
    return list(rows)


async def find_request(
    session: AsyncSession, prop: Property, request_id: str
) -> tuple[Complaint, Open311Request]:
    found = (
        (await session.execute(_requests_stmt(prop).where(Complaint.id == request_id)))
        .tuples()
        .first()
    )
    if found is None:
        raise Open311Error(404, f"service request {request_id!r} not found")
    return found[0], found[1]


def shown_to_residents() -> ColumnElement[bool]:
    """Meaningful steps, up to the complaint's closing or cancelling (a department's late task
    event is still written in the timeline, but the request stays closed)."""
    final = aliased(ComplaintStep)
    after_final = exists().where(
        final.complaint_id == ComplaintStep.complaint_id,
        final.action.in_(FINAL_STATES),
        final.seq < ComplaintStep.seq,
    )
    return ComplaintStep.action.in_(MEANINGFUL_ACTIONS) & ~after_final


async def status_notes(session: AsyncSession, complaint_ids: Sequence[str]) -> dict[str, str]:
    if not complaint_ids:
        return {}
    steps = await session.scalars(
        select(ComplaintStep)
        .where(
            ComplaintStep.complaint_id.in_(complaint_ids),
            shown_to_residents(),
        )
        .order_by(ComplaintStep.complaint_id, ComplaintStep.seq)
    )
    return latest_notes(steps)


async def find_updates(
    session: AsyncSession, prop: Property, within: Window
) -> list[ComplaintStep]:
    """Meaningful timeline steps of this property's Open311 requests, oldest first."""
    stmt = (
        select(ComplaintStep)
        .join(Open311Request, Open311Request.complaint_id == ComplaintStep.complaint_id)
        .where(
            Open311Request.property_id == prop.id,
            shown_to_residents(),
            ComplaintStep.at >= within.start,
            ComplaintStep.at <= within.end,
        )
        .order_by(ComplaintStep.at, ComplaintStep.complaint_id, ComplaintStep.seq)
        .limit(MAX_RESULTS)
    )
    return list((await session.scalars(stmt)).all())
