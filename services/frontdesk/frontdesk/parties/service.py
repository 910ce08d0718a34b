"""Rules of parties and occupancy.

Property scope: an occupancy is seen by the users of its unit's property; a party by the users
of the property it was registered at and of every property where it holds (or held) a unit.
Outside that, a party or an occupancy does not exist for the user (lists leave it out, a look-up
is 404), so a phone number never leaks across properties.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.parties.models import Occupancy, Party
from frontdesk.parties.schemas import OccupancyIn, Occupant, PartyIn, PartyPatch
from frontdesk.register.models import Property, Unit
from propops.auth import Principal, check_property, scope_to_properties
from propops.errors import Conflict, Invalid, NotFound
from propops.lifecycle import guard
from propops.lists import Filter, ListQuery, ListSpec, contains, digits, normalize
from propops.masking import mask_phone
from propops.timezones import DEFAULT_TIME_ZONE, today_in

T = TypeVar("T", bound=tuple[Any, ...])


async def create_party(
    session: AsyncSession, data: PartyIn, principal: Principal | None = None
) -> Party:
    if data.property_id is None:
        if principal is not None and principal.property_ids:
            raise Invalid(
                "property_id is required: you see only some properties", field="property_id"
            )
    else:
        if await session.get(Property, data.property_id) is None:
            raise Invalid(f"property {data.property_id} does not exist", field="property_id")
        if principal is not None:
            check_property(principal, data.property_id)
    party = Party(**data.model_dump())
    session.add(party)
    await session.flush()
    return party


def visible_parties(stmt: Select[T], principal: Principal | None) -> Select[T]:
    """Limit a query of parties to those the user may see (see the module's note)."""
    if principal is None or not principal.property_ids:
        return stmt
    props = principal.property_ids
    held = (
        select(Occupancy.party_id)
        .join(Unit, Unit.id == Occupancy.unit_id)
        .where(Unit.property_id.in_(props))
    )
    return stmt.where(or_(Party.property_id.in_(props), Party.id.in_(held)))


async def get_party(
    session: AsyncSession,
    party_id: str,
    principal: Principal | None = None,
    *,
    field: str = "party_id",
) -> Party:
    """A party the user may see, else 404 naming ``field``."""
    party = await session.scalar(
        visible_parties(select(Party).where(Party.id == party_id), principal)
    )
    if party is None:
        raise NotFound(f"party {party_id} not found", field=field)
    return party


async def update_party(
    session: AsyncSession,
    party_id: str,
    data: PartyPatch,
    principal: Principal,
    expected_version: int | None,
) -> Party:
    """Correct a party the caller may see (property scope); ``If-Match`` must be current."""
    party = await get_party(session, party_id, principal)
    async with guard(session, party, expected_version, noun="party"):
        for name, value in data.model_dump(exclude_unset=True).items():
            setattr(party, name, value)
    return party


def _phone(value: str) -> ColumnElement[bool]:
    number = digits(value)
    if not number:
        raise Invalid("phone must contain digits", field="phone")
    return contains(Party.phone_digits)(number)


def _name(value: str) -> ColumnElement[bool]:
    return and_(*(contains(Party.search_text)(w) for w in normalize(value).split(" ")))


PARTIES = ListSpec(
    filters=(
        Filter("name", where=_name, description="words of the name, case- and width-insensitive"),
        Filter("kind", column=Party.kind, values=("person", "company")),
        Filter(
            "phone",
            where=_phone,
            max_length=40,
            description="digits of the phone number (spaces, dashes and + ignored)",
        ),
    ),
    sort={"name": Party.name, "created_at": Party.created_at},
    default_sort="name",
    id_column=Party.id,
    search=contains(Party.search_text),
    search_description="words of the name, or a phone number (its digits); case- and "
    "width-insensitive",
    phone_search=contains(Party.phone_digits),
)


def list_parties(
    query: ListQuery | None = None, principal: Principal | None = None
) -> Select[tuple[Party]]:
    return PARTIES.apply(visible_parties(select(Party), principal), query or PARTIES.query())


async def add_occupancy(
    session: AsyncSession, data: OccupancyIn, principal: Principal
) -> Occupancy:
    unit = await session.get(Unit, data.unit_id)
    if unit is None:
        raise Invalid(f"unit {data.unit_id} does not exist", field="unit_id")
    check_property(principal, unit.property_id)
    if await session.get(Party, data.party_id) is None:
        raise Invalid(f"party {data.party_id} does not exist", field="party_id")
    await _check_no_overlap(
        session, data.unit_id, data.party_id, data.role, data.start_date, data.end_date
    )
    occupancy = Occupancy(**data.model_dump())
    session.add(occupancy)
    await session.flush()
    return occupancy


async def _check_no_overlap(
    session: AsyncSession,
    unit_id: str,
    party_id: str,
    role: str,
    start: date,
    end: date | None,
    *,
    other_than: str | None = None,
) -> None:
    """The same party holds the same unit in the same role once at a time: 409 naming the
    occupancy it would overlap."""
    stmt = select(Occupancy).where(
        Occupancy.unit_id == unit_id,
        Occupancy.party_id == party_id,
        Occupancy.role == role,
        or_(Occupancy.end_date.is_(None), Occupancy.end_date >= start),
    )
    if end is not None:
        stmt = stmt.where(Occupancy.start_date <= end)
    if other_than is not None:
        stmt = stmt.where(Occupancy.id != other_than)
    clash = await session.scalar(stmt.order_by(Occupancy.start_date).limit(1))
    if clash is not None:
        until = clash.end_date.isoformat() if clash.end_date else "open-ended"
        raise Conflict(
            f"this party is already {role} of this unit from {clash.start_date.isoformat()} "
            f"to {until} (occupancy {clash.id}); end that one first",
            field="start_date",
            occupancy_id=clash.id,
        )


async def end_occupancy(
    session: AsyncSession, occupancy_id: str, end_date: date, principal: Principal
) -> Occupancy:
    """A move-out: the occupancy ends on ``end_date`` (the last day held). An occupancy that
    has ended already is a 409 (correct it with a new end only by ending the right one)."""
    occupancy = await session.get(Occupancy, occupancy_id)
    if occupancy is None:
        raise NotFound(f"occupancy {occupancy_id} not found", field="occupancy_id")
    unit = await session.get(Unit, occupancy.unit_id)
    assert unit is not None
    check_property(principal, unit.property_id)
    if occupancy.end_date is not None:
        raise Conflict(
            f"occupancy already ended on {occupancy.end_date.isoformat()}",
            field="end_date",
            end_date=occupancy.end_date.isoformat(),
        )
    if end_date < occupancy.start_date:
        raise Invalid(
            f"end_date is before the start ({occupancy.start_date.isoformat()})", field="end_date"
        )
    occupancy.end_date = end_date
    await session.flush()
    return occupancy


def held_on(on: date) -> ColumnElement[bool]:
    return and_(
        Occupancy.start_date <= on, or_(Occupancy.end_date.is_(None), Occupancy.end_date >= on)
    )


def current(stmt: Select, on: date) -> Select:  # type: ignore[type-arg]
    return stmt.where(held_on(on))


OCCUPANCIES = ListSpec(
    filters=(
        Filter("unit_id", column=Occupancy.unit_id, max_length=36),
        Filter("party_id", column=Occupancy.party_id, max_length=36),
        Filter("role", column=Occupancy.role, values=("owner", "tenant", "resident")),
        Filter(
            "current_on",
            type=date,
            where=held_on,
            description="held on this day",
        ),
    ),
    sort={
        "start_date": Occupancy.start_date,
        "end_date": Occupancy.end_date,
        "created_at": Occupancy.created_at,
    },
    default_sort="start_date",
    id_column=Occupancy.id,
)


def list_occupancies(
    query: ListQuery | None = None, principal: Principal | None = None
) -> Select[tuple[Occupancy]]:
    """Occupancies of units in the user's properties."""
    stmt = select(Occupancy)
    if principal is not None and principal.property_ids:
        stmt = scope_to_properties(
            stmt.join(Unit, Unit.id == Occupancy.unit_id), Unit.property_id, principal
        )
    return OCCUPANCIES.apply(stmt, query or OCCUPANCIES.query())


async def occupants_now(
    session: AsyncSession, unit_id: str, on: date | None = None
) -> list[Occupant]:
    if on is None:
        unit = await session.get(Unit, unit_id)
        prop = await session.get(Property, unit.property_id) if unit else None
        on = today_in(prop.time_zone if prop else DEFAULT_TIME_ZONE)
    stmt = current(
        select(Occupancy, Party)
        .join(Party, Party.id == Occupancy.party_id)
        .where(Occupancy.unit_id == unit_id)
        .order_by(Occupancy.role, Occupancy.start_date),
        on,
    )
    rows = (await session.execute(stmt)).all()
    return [
        Occupant(
            occupancy_id=o.id,
            party_id=p.id,
            name=p.name,
            role=o.role,
            phone=mask_phone(p.phone) or "",
            since=o.start_date,
            until=o.end_date,
        )
        for o, p in rows
    ]
