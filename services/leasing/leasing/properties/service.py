"""The properties leasing knows (``KnownProperty``): kept from the front desk's
``UnitRegistered`` events (idempotent: a property is written once, its code and zone kept up
to date); a new space takes its property's time zone from here."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from leasing.properties.models import KnownProperty
from propops.auth import Principal, scope_to_properties
from propops.events.payloads import UnitRegistered
from propops.lists import ListQuery, ListSpec
from propops.timezones import is_valid_time_zone


async def learn(session: AsyncSession, unit: UnitRegistered) -> KnownProperty:
    zone = unit.time_zone if is_valid_time_zone(unit.time_zone or "") else None
    known = await session.get(KnownProperty, unit.property_id)
    if known is None:
        known = KnownProperty(id=unit.property_id, code=unit.property_code[:40], time_zone=zone)
        session.add(known)
    else:
        known.code = unit.property_code[:40]
        known.time_zone = zone or known.time_zone
    await session.flush()
    return known


async def time_zone_of(session: AsyncSession, property_id: str) -> str | None:
    known = await session.get(KnownProperty, property_id)
    return known.time_zone if known else None


LIST = ListSpec(
    sort={"code": KnownProperty.code},
    default_sort="code",
    id_column=KnownProperty.id,
)


def list_properties(
    principal: Principal, query: ListQuery | None = None
) -> Select[tuple[KnownProperty]]:
    stmt = scope_to_properties(select(KnownProperty), KnownProperty.id, principal)
    return LIST.apply(stmt, query or LIST.query())
