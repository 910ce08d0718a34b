"""Rules of shift handovers (交接記錄表).

The outgoing receptionist writes one per post and shift; it is pending until the successor
(another user) acknowledges it. The previous handover of the post's open items are carried over:
recorded on the new one (``carried_over``) and, when the writer gives no list, kept open as
they were (``open_items``).
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.handovers.models import HANDOVER_STATES, Handover
from frontdesk.handovers.schemas import CarryOverOut, HandoverIn
from frontdesk.register.models import Property
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.db import utcnow
from propops.errors import Forbidden, Invalid
from propops.lifecycle import Lifecycle
from propops.lists import Filter, ListQuery, ListSpec

HANDOVER = Lifecycle("handover", {"acknowledge": (("pending",), "acknowledged")})


async def previous_of(session: AsyncSession, property_id: str, post: str) -> Handover | None:
    stmt = (
        select(Handover)
        .where(Handover.property_id == property_id, Handover.post == post)
        .order_by(Handover.created_at.desc(), Handover.id.desc())
        .limit(1)
    )
    return (await session.scalars(stmt)).first()


async def _check_property(session: AsyncSession, property_id: str, principal: Principal) -> None:
    if await session.get(Property, property_id) is None:
        raise Invalid(f"property {property_id} does not exist", field="property_id")
    check_property(principal, property_id)


async def carry_over(
    session: AsyncSession, property_id: str, post: str, principal: Principal
) -> CarryOverOut:
    await _check_property(session, property_id, principal)
    previous = await previous_of(session, property_id, post.strip())
    return CarryOverOut(
        previous_id=previous.id if previous else None,
        previous_written_by=previous.written_by if previous else None,
        previous_status=previous.status if previous else None,
        open_items=list(previous.open_items) if previous else [],
    )


async def write(session: AsyncSession, data: HandoverIn, principal: Principal) -> Handover:
    await _check_property(session, data.property_id, principal)
    post = data.post.strip()
    previous = await previous_of(session, data.property_id, post)
    carried = list(previous.open_items) if previous else []
    handover = Handover(
        property_id=data.property_id,
        post=post,
        shift_end=data.shift_end,
        notes=data.notes,
        open_items=list(dict.fromkeys(data.open_items)) if data.open_items is not None else carried,
        previous_id=previous.id if previous else None,
        carried_over=carried,
        status="pending",
        written_by=principal.username,
    )
    session.add(handover)
    await session.flush()
    return handover


async def get(session: AsyncSession, handover_id: str, principal: Principal) -> Handover:
    return await get_visible(
        session, Handover, handover_id, principal, noun="handover", field="handover_id"
    )


async def acknowledge(
    session: AsyncSession, handover: Handover, note: str | None, actor: str
) -> Handover:
    """The successor takes the post over: never the writer."""
    HANDOVER.check(handover, "acknowledge")
    if actor == handover.written_by:
        raise Forbidden(
            "the successor acknowledges a handover, not the receptionist who wrote it",
            field="acknowledged_by",
        )
    handover.acknowledged_by = actor
    handover.acknowledged_at = utcnow()
    handover.acknowledge_note = note
    return await HANDOVER.apply(session, handover, "acknowledge")


LIST = ListSpec(
    filters=(
        Filter("property_id", column=Handover.property_id, max_length=36),
        Filter("post", column=Handover.post, max_length=60),
        Filter("status", column=Handover.status, values=HANDOVER_STATES),
        Filter("written_by", column=Handover.written_by, max_length=120),
    ),
    sort={"created_at": Handover.created_at, "shift_end": Handover.shift_end},
    default_sort="-created_at",
    id_column=Handover.id,
)


def list_query(principal: Principal, query: ListQuery) -> Select[tuple[Handover]]:
    stmt = scope_to_properties(select(Handover), Handover.property_id, principal)
    return LIST.apply(stmt, query)
