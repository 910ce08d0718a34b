"""Rules of incidents: each gets a reference (``SI-2026-00004``) and publishes
``propops.security.incident.reported.v1`` in its creating transaction; the front desk lists
the high and critical ones among its security alerts."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.db import utcnow
from propops.events.payloads import IncidentReported
from propops.lists import Filter, ListQuery, ListSpec, contains, keep_search_text, search_text
from propops.messaging.outbox import emit
from propops.references import next_reference
from security.incidents.models import REFERENCE_PREFIX, Incident, IncidentKind, Severity
from security.incidents.schemas import IncidentIn

keep_search_text(Incident, lambda i: search_text(i.reference, i.location, i.description, i.kind))


async def report(
    session: AsyncSession, data: IncidentIn, principal: Principal, default_time_zone: str
) -> Incident:
    check_property(principal, data.property_id)
    now = utcnow()
    incident = Incident(
        reference=await next_reference(
            session,
            REFERENCE_PREFIX,
            data.property_id,
            time_zone=data.time_zone or default_time_zone,
            at=now,
        ),
        property_id=data.property_id,
        kind=data.kind.value,
        location=data.location,
        description=data.description,
        severity=data.severity.value,
        occurred_at=data.occurred_at or now,
        reported_by=principal.username,
    )
    session.add(incident)
    await session.flush()
    emit(
        session,
        IncidentReported(
            incident_id=incident.id,
            reference=incident.reference,
            property_id=incident.property_id,
            kind=incident.kind,
            location=incident.location,
            description=incident.description,
            severity=incident.severity,
            reported_by=incident.reported_by,
            occurred_at=incident.occurred_at,
            at=now,
        ),
        subject=incident.id,
    )
    return incident


async def get_incident(session: AsyncSession, incident_id: str, principal: Principal) -> Incident:
    return await get_visible(
        session, Incident, incident_id, principal, noun="incident", field="incident_id"
    )


LIST = ListSpec(
    filters=(
        Filter("property_id", column=Incident.property_id, max_length=36),
        Filter("kind", column=Incident.kind, values=tuple(IncidentKind)),
        Filter("severity", column=Incident.severity, values=tuple(Severity)),
    ),
    sort={"occurred_at": Incident.occurred_at, "created_at": Incident.created_at},
    default_sort="-occurred_at",
    search=contains(Incident.search_text),
    search_description="words of the reference, location or description",
    id_column=Incident.id,
)


def list_incidents(principal: Principal, query: ListQuery | None = None) -> Select[tuple[Incident]]:
    stmt = scope_to_properties(select(Incident), Incident.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())
