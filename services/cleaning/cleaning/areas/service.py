"""Rules of areas: a code is unique in its property (kept upper case; a second one is a 409
naming ``code``); every read and write is limited to the caller's properties."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from cleaning.areas.models import Area, AreaKind
from cleaning.areas.schemas import AreaIn
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.errors import Conflict, Invalid
from propops.lists import Filter, ListQuery, ListSpec, contains


async def register(session: AsyncSession, data: AreaIn, principal: Principal) -> Area:
    check_property(principal, data.property_id)
    code = data.code.upper()
    name = data.name.strip()
    if not name:
        raise Invalid("name must not be empty", field="name")
    clash = await session.scalar(
        select(Area).where(Area.property_id == data.property_id, Area.code == code)
    )
    if clash is not None:
        raise Conflict(
            f"the property already has an area {code} ({clash.name})",
            field="code",
            area_id=clash.id,
        )
    area = Area(property_id=data.property_id, code=code, name=name, kind=data.kind.value)
    session.add(area)
    await session.flush()
    return area


async def get_area(
    session: AsyncSession, area_id: str, principal: Principal | None, *, field: str = "area_id"
) -> Area:
    """The area (404 naming ``field``; 403 outside the caller's properties)."""
    return await get_visible(session, Area, area_id, principal, noun="area", field=field)


async def area_for_write(
    session: AsyncSession, area_id: str, principal: Principal, *, field: str = "area_id"
) -> Area:
    """An area a body refers to: unknown is a 422 naming ``field`` (the body is wrong, not the
    path), another property's a 403."""
    area = await session.get(Area, area_id)
    if area is None:
        raise Invalid(f"area {area_id} not found", field=field)
    check_property(principal, area.property_id)
    return area


LIST = ListSpec(
    filters=(
        Filter("property_id", column=Area.property_id, max_length=36),
        Filter("kind", column=Area.kind, values=tuple(AreaKind)),
    ),
    sort={"code": Area.code, "name": Area.name, "created_at": Area.created_at},
    default_sort="code",
    id_column=Area.id,
    search=contains(Area.search_text),
    search_description="words of the code or name",
)


def list_areas(principal: Principal, query: ListQuery | None = None) -> Select[tuple[Area]]:
    stmt = scope_to_properties(select(Area), Area.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())
