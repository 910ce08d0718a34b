"""Rules of spaces: a code is unique in its property (409 naming ``code``); a record of
another feature that names a space finds it here (422 naming ``space_id`` when it does not
exist or is of the wrong kind), and ``lock_space`` serializes the rules that must see all the
space's records as they are (two signings, two bookings of one venue)."""

from __future__ import annotations

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from leasing.properties.service import time_zone_of
from leasing.spaces.models import Space, SpaceKind
from leasing.spaces.schemas import SpaceIn
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.db import utcnow
from propops.errors import Conflict, Invalid
from propops.lists import Filter, ListQuery, ListSpec, contains


async def create_space(
    session: AsyncSession, data: SpaceIn, principal: Principal, default_time_zone: str
) -> Space:
    check_property(principal, data.property_id)
    same = await session.scalar(
        select(Space).where(Space.property_id == data.property_id, Space.code == data.code)
    )
    if same is not None:
        raise Conflict(
            f"property already has a space {data.code} ({same.name})",
            field="code",
            space_id=same.id,
        )
    space = Space(
        property_id=data.property_id,
        kind=data.kind.value,
        code=data.code,
        name=data.name,
        location=data.location,
        size=data.size.strip() if data.size and data.size.strip() else None,
        list_rent=data.list_rent,
        time_zone=data.time_zone
        or await time_zone_of(session, data.property_id)
        or default_time_zone,
    )
    session.add(space)
    await session.flush()
    return space


async def get_space(session: AsyncSession, space_id: str, principal: Principal | None) -> Space:
    return await get_visible(session, Space, space_id, principal, noun="space", field="space_id")


async def space_for(
    session: AsyncSession,
    space_id: str,
    principal: Principal | None,
    kind: SpaceKind | None = None,
) -> Space:
    """The space a new record names (its ``space_id`` in the body): 422 if there is none or
    it is not of ``kind``; 403 if the user may not see its property."""
    space = await session.get(Space, space_id)
    if space is None:
        raise Invalid(f"space {space_id} does not exist", field="space_id")
    if principal is not None:
        check_property(principal, space.property_id)
    if kind is not None and space.kind != kind.value:
        raise Invalid(
            f"space {space.code} is a {space.kind}, not a {kind.value}",
            field="space_id",
            space_kind=space.kind,
        )
    return space


async def lock_space(session: AsyncSession, space: Space) -> None:
    """Hold the space for the rest of the transaction by writing its row first: a row lock on
    PostgreSQL, the database's write lock on SQLite (whose driver starts a transaction only at
    the first write). A second signer (booker, approver) of the same space waits here and then
    reads the first one's committed result."""
    await session.execute(
        update(Space)
        .where(Space.id == space.id)
        .values(locked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


LIST = ListSpec(
    filters=(
        Filter("property_id", column=Space.property_id, max_length=36),
        Filter("kind", column=Space.kind, values=tuple(SpaceKind)),
    ),
    sort={"code": Space.code, "name": Space.name, "created_at": Space.created_at},
    default_sort="code",
    id_column=Space.id,
    search=contains(Space.search_text),
    search_description="words of the code, name or location",
)


def list_spaces(principal: Principal, query: ListQuery | None = None) -> Select[tuple[Space]]:
    stmt = scope_to_properties(select(Space), Space.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())
