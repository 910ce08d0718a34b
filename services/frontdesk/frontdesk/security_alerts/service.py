"""Rules of the desk's security alerts.

- One alert per thing security reports, whatever the number of copies of its event (a
  redelivery, a replayed dead letter, a republished event): the unique ``key`` is the post
  check, the patrol occurrence (``PatrolMissed.key``) or the incident.
- Only high and critical incidents become alerts (the others stay in security's own list).
- ``acknowledge`` (open -> acknowledged, ``propops.lifecycle``) records who, when and a note;
  acknowledging twice is a 409 naming the state.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.security_alerts.models import AlertKind, AlertStatus, SecurityAlert
from propops.auth import Principal, get_visible, scope_to_properties
from propops.db import utcnow
from propops.events.payloads import IncidentReported, PatrolMissed, PostCheckFailed
from propops.lifecycle import Lifecycle
from propops.lists import Filter, ListQuery, ListSpec

SEVERE = ("high", "critical")

ALERT = Lifecycle(
    "security alert",
    {"acknowledge": ((AlertStatus.open.value,), AlertStatus.acknowledged.value)},
)


async def _keep(
    session: AsyncSession,
    *,
    key: str,
    kind: AlertKind,
    property_id: str,
    place: str,
    occurred_at: datetime,
    details: dict[str, Any],
    notes: str | None = None,
    severity: str | None = None,
    reference: str | None = None,
) -> SecurityAlert | None:
    if await session.scalar(select(SecurityAlert.id).where(SecurityAlert.key == key)):
        return None
    alert = SecurityAlert(
        key=key,
        kind=kind.value,
        property_id=property_id,
        place=place[:300],
        severity=severity,
        reference=reference,
        details=details,
        notes=notes,
        occurred_at=occurred_at,
        status=AlertStatus.open.value,
    )
    session.add(alert)
    await session.flush()
    return alert


async def post_check_failed(session: AsyncSession, e: PostCheckFailed) -> SecurityAlert | None:
    return await _keep(
        session,
        key=f"post_check:{e.check_id}",
        kind=AlertKind.post_check_failed,
        property_id=e.property_id,
        place=f"{e.post_code} {e.post_name}",
        occurred_at=e.at,
        notes=e.notes,
        details={
            "post_id": e.post_id,
            "check_id": e.check_id,
            "present": e.present,
            "dressed": e.dressed,
            "alert": e.alert,
            "checked_by": e.checked_by,
            "guards_on_duty": e.guards_on_duty,
        },
    )


async def patrol_missed(session: AsyncSession, e: PatrolMissed) -> SecurityAlert | None:
    return await _keep(
        session,
        key=f"patrol:{e.key}",
        kind=AlertKind.patrol_missed,
        property_id=e.property_id,
        place=e.route_name,
        occurred_at=e.occurrence_at or e.at,
        details={
            "route_id": e.route_id,
            "run_id": e.run_id,
            "reason": e.reason,
            "occurrence_at": e.occurrence_at.isoformat() if e.occurrence_at else None,
            "missed_checkpoints": e.missed_checkpoints,
            "guard": e.guard,
        },
    )


async def incident_reported(session: AsyncSession, e: IncidentReported) -> SecurityAlert | None:
    if e.severity not in SEVERE:
        return None
    return await _keep(
        session,
        key=f"incident:{e.incident_id}",
        kind=AlertKind.incident,
        property_id=e.property_id,
        place=e.location,
        occurred_at=e.occurred_at or e.at,
        severity=e.severity,
        reference=e.reference,
        details={
            "incident_id": e.incident_id,
            "kind": e.kind,
            "description": e.description,
            "reported_by": e.reported_by,
        },
    )


async def get_alert(session: AsyncSession, alert_id: str, principal: Principal) -> SecurityAlert:
    return await get_visible(
        session, SecurityAlert, alert_id, principal, noun="security alert", field="alert_id"
    )


async def acknowledge(
    session: AsyncSession, alert: SecurityAlert, actor: str, note: str | None
) -> SecurityAlert:
    ALERT.check(alert, "acknowledge")
    alert.acknowledged_by = actor
    alert.acknowledged_at = utcnow()
    alert.acknowledge_note = (note or "").strip() or None
    return await ALERT.apply(session, alert, "acknowledge")


LIST = ListSpec(
    filters=(
        Filter("property_id", column=SecurityAlert.property_id, max_length=36),
        Filter("status", column=SecurityAlert.status, values=tuple(AlertStatus)),
        Filter("kind", column=SecurityAlert.kind, values=tuple(AlertKind)),
    ),
    sort={"occurred_at": SecurityAlert.occurred_at, "created_at": SecurityAlert.created_at},
    default_sort="-occurred_at",
    id_column=SecurityAlert.id,
)


def list_alerts(
    principal: Principal, query: ListQuery | None = None
) -> Select[tuple[SecurityAlert]]:
    stmt = scope_to_properties(select(SecurityAlert), SecurityAlert.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())
