"""Rules of parties and occupancy."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.parties.models import Occupancy, Party
from frontdesk.parties.schemas import OccupancyIn, Occupant, PartyIn
from frontdesk.register.models import Unit
from propops.auth import Principal, check_property
from propops.db import utcnow
from propops.errors import Invalid, NotFound
from propops.lists import Filter, ListQuery, ListSpec, contains, digits, normalize
from propops.masking import mask_phone


async def create_party(session: AsyncSession, data: PartyIn) -> Party:
    party = Party(**data.model_dump())
    session.add(party)
    await session.flush()
    return party


async def get_party(session: AsyncSession, party_id: str, *, field: str = "party_id") -> Party:
    party = await session.get(Party, party_id)
    if party is None:
        raise NotFound(f"party {party_id} not found", field=field)
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


def list_parties(query: ListQuery | None = None) -> Select[tuple[Party]]:
    return PARTIES.apply(select(Party), query or PARTIES.query())


async def add_occupancy(
    session: AsyncSession, data: OccupancyIn, principal: Principal
) -> Occupancy:
    unit = await session.get(Unit, data.unit_id)
    if unit is None:
        raise Invalid(f"unit {data.unit_id} does not exist", field="unit_id")
    check_property(principal, unit.property_id)
    if await session.get(Party, data.party_id) is None:
        raise Invalid(f"party {data.party_id} does not exist", field="party_id")
    occupancy = Occupancy(**data.model_dump())
    session.add(occupancy)
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


def list_occupancies(query: ListQuery | None = None) -> Select[tuple[Occupancy]]:
    return OCCUPANCIES.apply(select(Occupancy), query or OCCUPANCIES.query())


async def occupants_now(
    session: AsyncSession, unit_id: str, on: date | None = None
) -> list[Occupant]:
    on = on or utcnow().date()
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
