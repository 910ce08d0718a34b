"""Rules of negotiations: stages ``open -> agreed | lost`` (``propops.lifecycle``), a history of
offers while open. Nothing is a promise until the stage says so: ``agreed_rent`` is empty until
``agree``, and a contract may quote only an agreed negotiation of its own space."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from leasing.negotiations.models import AGREED, LOST, OPEN, STAGES, Negotiation, NegotiationStep
from leasing.negotiations.schemas import AgreeIn, NegotiationIn, OfferIn
from leasing.spaces.service import space_for
from propops.auth import Principal, get_visible, scope_to_properties
from propops.db import utcnow
from propops.lifecycle import Lifecycle
from propops.lists import Filter, ListQuery, ListSpec, contains

NEGOTIATION = Lifecycle(
    "negotiation",
    {
        "offer": ((OPEN,), None),
        "agree": ((OPEN,), AGREED),
        "lose": ((OPEN,), LOST),
    },
)


def _step(
    n: Negotiation,
    action: str,
    actor: str,
    *,
    offered_by: str | None = None,
    rent: Decimal | None = None,
    notes: str | None = None,
) -> NegotiationStep:
    n.offer_count = (n.offer_count or 0) + 1
    return NegotiationStep(
        negotiation_id=n.id,
        seq=n.offer_count,
        at=utcnow(),
        actor=actor,
        action=action,
        offered_by=offered_by,
        rent=rent,
        notes=notes or None,
        status=n.status,
    )


async def open_negotiation(
    session: AsyncSession, data: NegotiationIn, principal: Principal
) -> Negotiation:
    space = await space_for(session, data.space_id, principal)
    n = Negotiation(
        property_id=space.property_id,
        space_id=space.id,
        counterparty_name=data.counterparty.name,
        counterparty_company=data.counterparty.company,
        counterparty_phone=data.counterparty.phone,
        proposed_rent=data.proposed_rent,
        latest_rent=data.proposed_rent,
        notes=data.notes,
        status=OPEN,
        offer_count=0,
        created_by=principal.username,
    )
    session.add(n)
    await session.flush()
    session.add(
        _step(
            n,
            "opened",
            principal.username,
            offered_by="counterparty",
            rent=data.proposed_rent,
            notes=data.notes,
        )
    )
    await session.flush()
    return n


async def offer(session: AsyncSession, n: Negotiation, data: OfferIn, actor: str) -> None:
    NEGOTIATION.check(n, "offer")
    n.latest_rent = data.rent
    await NEGOTIATION.apply(
        session,
        n,
        "offer",
        step=lambda r: _step(
            r, "offer", actor, offered_by=data.offered_by.value, rent=data.rent, notes=data.notes
        ),
    )


async def agree(session: AsyncSession, n: Negotiation, data: AgreeIn, actor: str) -> None:
    NEGOTIATION.check(n, "agree")
    rent = data.rent or n.latest_rent
    n.agreed_rent = rent
    n.latest_rent = rent
    n.closed_at = utcnow()
    n.closed_by = actor
    n.outcome = data.notes
    await NEGOTIATION.apply(
        session, n, "agree", step=lambda r: _step(r, "agreed", actor, rent=rent, notes=data.notes)
    )


async def lose(session: AsyncSession, n: Negotiation, reason: str, actor: str) -> None:
    NEGOTIATION.check(n, "lose")
    n.closed_at = utcnow()
    n.closed_by = actor
    n.outcome = reason
    await NEGOTIATION.apply(
        session, n, "lose", step=lambda r: _step(r, "lost", actor, notes=reason)
    )


async def get(session: AsyncSession, negotiation_id: str, principal: Principal) -> Negotiation:
    return await get_visible(
        session, Negotiation, negotiation_id, principal, noun="negotiation", field="negotiation_id"
    )


async def steps(session: AsyncSession, negotiation_id: str) -> list[NegotiationStep]:
    return list(
        (
            await session.scalars(
                select(NegotiationStep)
                .where(NegotiationStep.negotiation_id == negotiation_id)
                .order_by(NegotiationStep.seq)
            )
        ).all()
    )


LIST = ListSpec(
    filters=(
        Filter("property_id", column=Negotiation.property_id, max_length=36),
        Filter("space_id", column=Negotiation.space_id, max_length=36),
        Filter("status", column=Negotiation.status, values=STAGES),
    ),
    sort={"created_at": Negotiation.created_at, "updated_at": Negotiation.updated_at},
    default_sort="-updated_at",
    id_column=Negotiation.id,
    search=contains(Negotiation.search_text),
    search_description="words of the counterparty's name or company, or phone digits",
)


def list_negotiations(
    principal: Principal, query: ListQuery | None = None
) -> Select[tuple[Negotiation]]:
    stmt = scope_to_properties(select(Negotiation), Negotiation.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())
