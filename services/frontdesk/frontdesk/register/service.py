"""Rules of the property register. Called by the routes, by handlers and by tests alike."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.register.models import Property, Unit
from frontdesk.register.schemas import PropertyIn, UnitIn
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.errors import Conflict, Invalid
from propops.events.payloads import UnitRegistered
from propops.lists import Filter, ListQuery, ListSpec, contains
from propops.messaging.outbox import emit


async def create_property(session: AsyncSession, data: PropertyIn) -> Property:
    if await session.scalar(select(Property.id).where(Property.code == data.code)):
        raise Conflict(f"property code {data.code!r} is taken", field="code")
    prop = Property(code=data.code, name=data.name)
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
        ),
        subject=unit.id,
    )
    return unit


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
