"""Rules of parties and occupancy."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.parties.models import Occupancy, Party
from frontdesk.parties.schemas import OccupancyIn, Occupant, PartyIn
from frontdesk.register.models import Unit
from propops.auth import Principal, check_property
from propops.db import utcnow
from propops.errors import Invalid, NotFound
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


def list_parties(name: str | None = None, kind: str | None = None) -> Select[tuple[Party]]:
    stmt = select(Party).order_by(Party.name, Party.id)
    if name:
        stmt = stmt.where(Party.name.ilike(f"%{name}%"))
    if kind:
        stmt = stmt.where(Party.kind == kind)
    return stmt


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


def current(stmt: Select, on: date) -> Select:  # type: ignore[type-arg]
    return stmt.where(
        Occupancy.start_date <= on, or_(Occupancy.end_date.is_(None), Occupancy.end_date >= on)
    )


def list_occupancies(
    *,
    unit_id: str | None = None,
    party_id: str | None = None,
    role: str | None = None,
    current_on: date | None = None,
) -> Select:  # type: ignore[type-arg]
    stmt = select(Occupancy).order_by(Occupancy.start_date, Occupancy.id)
    if unit_id:
        stmt = stmt.where(Occupancy.unit_id == unit_id)
    if party_id:
        stmt = stmt.where(Occupancy.party_id == party_id)
    if role:
        stmt = stmt.where(Occupancy.role == role)
    if current_on is not None:
        stmt = current(stmt, current_on)
    return stmt


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
