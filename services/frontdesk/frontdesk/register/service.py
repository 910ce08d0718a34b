"""Rules of the property register. Called by the routes, by handlers and by tests alike."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.register.models import Property, Unit
from frontdesk.register.schemas import PropertyIn, UnitIn
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.errors import Conflict, Invalid
from propops.events.payloads import UnitRegistered
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


def list_properties(principal: Principal, code: str | None = None) -> Select[tuple[Property]]:
    stmt = select(Property).order_by(Property.code)
    stmt = scope_to_properties(stmt, Property.id, principal)
    if code:
        stmt = stmt.where(Property.code == code)
    return stmt


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


def list_units(
    principal: Principal,
    *,
    property_id: str | None = None,
    building: str | None = None,
    floor: int | None = None,
) -> Select[tuple[Unit]]:
    stmt = select(Unit).order_by(Unit.property_id, Unit.building, Unit.number)
    stmt = scope_to_properties(stmt, Unit.property_id, principal)
    if property_id:
        stmt = stmt.where(Unit.property_id == property_id)
    if building:
        stmt = stmt.where(Unit.building == building)
    if floor is not None:
        stmt = stmt.where(Unit.floor == floor)
    return stmt
