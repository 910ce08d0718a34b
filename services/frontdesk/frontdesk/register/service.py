"""Rules of the property register. Called by the routes, by handlers and by tests alike."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.register.models import Property, Unit
from frontdesk.register.schemas import PropertyIn, PropertyPatch, UnitIn, UnitPatch
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.errors import Conflict, Invalid
from propops.events.payloads import UnitRegistered
from propops.lifecycle import guard
from propops.lists import Filter, ListQuery, ListSpec, contains
from propops.messaging.outbox import emit
from propops.timezones import DEFAULT_TIME_ZONE


async def create_property(
    session: AsyncSession, data: PropertyIn, default_time_zone: str = DEFAULT_TIME_ZONE
) -> Property:
    if await session.scalar(select(Property.id).where(Property.code == data.code)):
        raise Conflict(f"property code {data.code!r} is taken", field="code")
    prop = Property(code=data.code, name=data.name, time_zone=data.time_zone or default_time_zone)
    session.add(prop)
    await session.flush()
    return prop


async def get_property(session: AsyncSession, property_id: str, principal: Principal) -> Property:
    return await get_visible(
        session, Property, property_id, principal, noun="property", field="property_id", scope="id"
    )


PROPERTIES = ListSpec(
    filters=(Filter("code", column=Property.code, max_length=40),),
    sort={"code": Property.code, "name": Property.name, "created_at": Property.created_at},
    default_sort="code",
    id_column=Property.id,
)


def list_properties(
    principal: Principal, query: ListQuery | None = None
) -> Select[tuple[Property]]:
    stmt = scope_to_properties(select(Property), Property.id, principal)
    return PROPERTIES.apply(stmt, query or PROPERTIES.query())


async def register_unit(session: AsyncSession, data: UnitIn, principal: Principal) -> Unit:
    prop = await session.get(Property, data.property_id)
    if prop is None:
        raise Invalid(f"property {data.property_id} does not exist", field="property_id")
    check_property(principal, prop.id)
    clash = await session.scalar(
        select(Unit.id).where(
            Unit.property_id == prop.id, Unit.building == data.building, Unit.number == data.number
        )
    )
    if clash:
        raise Conflict(f"unit {data.building}/{data.number} is already registered", field="number")
    unit = Unit(**data.model_dump())
    session.add(unit)
    await session.flush()
    emit(
        session,
        UnitRegistered(
            unit_id=unit.id,
            property_id=prop.id,
            property_code=prop.code,
            building=unit.building,
            number=unit.number,
            floor=unit.floor,
            area_m2=unit.area_m2,
            time_zone=prop.time_zone,
        ),
        subject=unit.id,
    )
    return unit


async def update_property(
    session: AsyncSession,
    property_id: str,
    data: PropertyPatch,
    principal: Principal,
    expected_version: int | None,
) -> Property:
    """Correct a property (name, time zone); ``expected_version`` (If-Match) must be current."""
    prop = await get_property(session, property_id, principal)
    async with guard(session, prop, expected_version, noun="property"):
        for name, value in data.model_dump(exclude_unset=True).items():
            setattr(prop, name, value)
    return prop


async def update_unit(
    session: AsyncSession,
    unit_id: str,
    data: UnitPatch,
    principal: Principal,
    expected_version: int | None,
) -> Unit:
    """Correct a unit (building, number, floor, area); a new address must be free (409)."""
    unit = await get_unit(session, unit_id, principal)
    async with guard(session, unit, expected_version, noun="unit"):
        await _apply_unit_changes(session, unit, data)
    return unit


async def _apply_unit_changes(session: AsyncSession, unit: Unit, data: UnitPatch) -> None:
    changes = data.model_dump(exclude_unset=True)
    building = changes.get("building", unit.building)
    number = changes.get("number", unit.number)
    if (building, number) != (unit.building, unit.number):
        clash = await session.scalar(
            select(Unit.id).where(
                Unit.property_id == unit.property_id,
                Unit.building == building,
                Unit.number == number,
                Unit.id != unit.id,
            )
        )
        if clash:
            raise Conflict(
                f"unit {building}/{number} is already registered", field="number", unit_id=clash
            )
    for name, value in changes.items():
        setattr(unit, name, value)


async def get_unit(session: AsyncSession, unit_id: str, principal: Principal) -> Unit:
    return await get_visible(session, Unit, unit_id, principal, noun="unit", field="unit_id")


UNITS = ListSpec(
    filters=(
        Filter("property_id", column=Unit.property_id, max_length=36),
        Filter("building", column=Unit.building, max_length=60),
        Filter("number", column=Unit.number, max_length=40, description="the unit number"),
        Filter("floor", type=int, column=Unit.floor, ge=-1000, le=1000),
    ),
    sort={
        "address": (Unit.building, Unit.number),
        "number": Unit.number,
        "floor": Unit.floor,
        "created_at": Unit.created_at,
    },
    default_sort="address",
    id_column=Unit.id,
    search=contains(Unit.search_text),
    search_description="words in the building and number, case- and width-insensitive",
)


def list_units(principal: Principal, query: ListQuery | None = None) -> Select[tuple[Unit]]:
    stmt = scope_to_properties(select(Unit), Unit.property_id, principal)
    return UNITS.apply(stmt, query or UNITS.query())
