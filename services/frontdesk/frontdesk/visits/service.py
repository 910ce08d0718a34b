"""Rules of visits (接待來訪者, DOMAIN §1.5): ask the purpose, confirm the identity, tell the
host or department (``propops.frontdesk.visit.registered.v1``), arrived, left.

The gate (security) keeps its own view from the visit's events and records entry and exit
there; those come back by event (``handlers.py``) and move the desk's visit the same way the
desk's own buttons do, once: a step already taken is not taken again.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.register.models import Property, Unit
from frontdesk.visits.models import Visit, VisitStep
from frontdesk.visits.schemas import ConfirmVisitorIn, VisitIn
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.db import new_id, utcnow
from propops.errors import Conflict, Invalid
from propops.events.payloads import VisitChanged
from propops.identity import document_seen
from propops.lifecycle import Event, Lifecycle
from propops.lists import Filter, ListQuery, ListSpec, contains
from propops.masking import mask_id_number
from propops.messaging.outbox import emit
from propops.references import next_reference
from propops.timezones import local_date

VISIT_PREFIX = "V"  # V-2026-00012
STATUSES = ("expected", "on_site", "left", "cancelled")

VISIT = Lifecycle(
    "visit",
    {
        "confirm_identity": (("expected", "on_site"), None),
        "arrive": (("expected",), "on_site"),
        "leave": (("on_site",), "left"),
        "cancel": (("expected",), "cancelled"),
    },
)
VERB = {
    "confirm_identity": "identity_confirmed",
    "arrive": "arrived",
    "leave": "left",
    "cancel": "cancelled",
}


def changed(visit: Visit, verb: str, actor: str | None) -> Event:
    return Event(
        VisitChanged(
            visit_id=visit.id,
            reference=visit.reference,
            property_id=visit.property_id,
            status=visit.status,
            visitor_name=visit.visitor_name,
            id_number_masked=mask_id_number(visit.id_number),
            purpose=visit.purpose,
            host_unit_id=visit.host_unit_id,
            host_unit_label=visit.host_unit_label,
            host_department=visit.host_department,
            expected_at=visit.expected_at,
            visit_date=visit.visit_date,
            identity_confirmed=visit.identity_confirmed_at is not None,
            actor=actor,
            at=utcnow(),
        ),
        subject=visit.id,
        event_type=f"propops.frontdesk.visit.{verb}.v1",
    )


def step(visit: Visit, action: str, actor: str | None, source: str = "desk", **details: object):
    return VisitStep(
        visit_id=visit.id,
        at=utcnow(),
        actor=actor,
        action=action,
        status=visit.status,
        source=source,
        details={k: v for k, v in details.items() if v is not None},
    )


async def register(
    session: AsyncSession, data: VisitIn, actor: str, principal: Principal | None = None
) -> Visit:
    prop = await session.get(Property, data.property_id)
    if prop is None:
        raise Invalid(f"property {data.property_id} does not exist", field="property_id")
    if principal is not None:
        check_property(principal, data.property_id)
    label = None
    if data.host_unit_id is not None:
        unit = await session.get(Unit, data.host_unit_id)
        if unit is None or unit.property_id != prop.id:
            raise Invalid(
                f"unit {data.host_unit_id} is not a unit of this property", field="host_unit_id"
            )
        label = f"{unit.building} {unit.number}"
    now = utcnow()
    visit = Visit(
        **data.model_dump(),
        id=new_id(),
        reference=await next_reference(session, VISIT_PREFIX, prop.id, time_zone=prop.time_zone),
        host_unit_label=label,
        visit_date=local_date(data.expected_at or now, prop.time_zone),
        status="expected",
        document_checked=False,
        registered_by=actor,
        created_at=now,
        updated_at=now,
    )
    session.add(visit)
    session.add(step(visit, "registered", actor, purpose=data.purpose))
    event = changed(visit, "registered", actor)
    emit(session, event.payload, subject=event.subject, event_type=event.event_type)
    await session.flush()
    return visit


async def get(session: AsyncSession, visit_id: str, principal: Principal | None) -> Visit:
    return await get_visible(session, Visit, visit_id, principal, noun="visit", field="visit_id")


async def _move(
    session: AsyncSession,
    visit: Visit,
    action: str,
    actor: str | None,
    source: str = "desk",
    **details: object,
) -> Visit:
    return await VISIT.apply(
        session,
        visit,
        action,
        step=lambda v: step(v, VERB[action], actor, source, **details),
        events=lambda v: [changed(v, VERB[action], actor)],
    )


async def confirm_identity(
    session: AsyncSession, visit: Visit, data: ConfirmVisitorIn, actor: str
) -> Visit:
    VISIT.check(visit, "confirm_identity")
    kind = document_seen(data.document_kind, data.document_checked)
    return await _confirm(session, visit, kind, actor)


async def _confirm(
    session: AsyncSession, visit: Visit, document_kind: str, actor: str | None, source: str = "desk"
) -> Visit:
    visit.document_kind = document_kind
    visit.document_checked = True
    visit.identity_confirmed_at = utcnow()
    visit.identity_confirmed_by = actor
    return await _move(
        session, visit, "confirm_identity", actor, source, document_kind=document_kind
    )


async def arrive(session: AsyncSession, visit: Visit, actor: str | None, source: str = "desk"):
    VISIT.check(visit, "arrive")
    if source == "desk" and visit.identity_confirmed_at is None:
        raise Conflict("confirm the visitor's identity first", field="identity")
    visit.arrived_at = utcnow()
    return await _move(session, visit, "arrive", actor, source)


async def leave(session: AsyncSession, visit: Visit, actor: str | None, source: str = "desk"):
    VISIT.check(visit, "leave")
    visit.left_at = utcnow()
    return await _move(session, visit, "leave", actor, source)


async def cancel(session: AsyncSession, visit: Visit, actor: str, note: str | None) -> Visit:
    return await _move(session, visit, "cancel", actor, note=note)


async def steps(session: AsyncSession, visit_id: str) -> list[VisitStep]:
    stmt = select(VisitStep).where(VisitStep.visit_id == visit_id).order_by(VisitStep.at)
    return list((await session.scalars(stmt)).all())


# --- the gate's moves, by event ---------------------------------------------------------------


async def apply_gate_move(
    session: AsyncSession,
    visit_id: str,
    status: str,
    actor: str | None,
    document_kind: str | None = None,
):
    """The gate recorded an entry (``on_site``) or exit (``left``): the same step at the desk,
    once. A visit the desk does not know, or one already past that step, is left alone.

    ``document_kind``: the guard confirmed the identity at entry (the desk had not); the visit
    records it as confirmed by the guard (step source ``gate``), unless already confirmed."""
    visit = await session.get(Visit, visit_id)
    if visit is None:
        return None
    if (
        document_kind is not None
        and visit.identity_confirmed_at is None
        and VISIT.can(visit.status, "confirm_identity")
    ):
        await _confirm(session, visit, document_kind, actor, source="gate")
    if status == "on_site" and VISIT.can(visit.status, "arrive"):
        await arrive(session, visit, actor, source="gate")
    elif status == "left":
        if VISIT.can(visit.status, "arrive"):  # the entry's event is still on its way
            await arrive(session, visit, actor, source="gate")
        if VISIT.can(visit.status, "leave"):
            await leave(session, visit, actor, source="gate")
    return visit


# --- the list --------------------------------------------------------------------------------

LIST = ListSpec(
    filters=(
        Filter("property_id", column=Visit.property_id, max_length=36),
        Filter("status", column=Visit.status, values=STATUSES),
        Filter(
            "date",
            column=Visit.visit_date,
            type=date,
            description="the day of the visit in the property's time zone",
        ),
        Filter("host_unit_id", column=Visit.host_unit_id, max_length=36),
        Filter("reference", column=Visit.reference, max_length=24),
    ),
    sort={
        "expected_at": Visit.expected_at,
        "created_at": Visit.created_at,
        "visit_date": Visit.visit_date,
    },
    default_sort="-created_at",
    id_column=Visit.id,
    search=contains(Visit.search_text),
)


def list_query(principal: Principal, query: ListQuery | None = None) -> Select[tuple[Visit]]:
    stmt = scope_to_properties(select(Visit), Visit.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())
