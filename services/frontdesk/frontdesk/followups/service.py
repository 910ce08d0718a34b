"""Rules of front-desk follow-ups: raised by another rule in its transaction, listed while open,
resolved once (``propops.lifecycle``)."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.followups.models import FOLLOW_UP_KINDS, FOLLOW_UP_STATES, FollowUp
from propops.auth import Principal, get_visible, scope_to_properties
from propops.db import utcnow
from propops.lifecycle import Lifecycle
from propops.lists import Filter, ListQuery, ListSpec

FOLLOW_UP = Lifecycle("follow-up", {"resolve": (("open",), "resolved")})


def raise_follow_up(
    session: AsyncSession,
    *,
    property_id: str,
    kind: str,
    source: str,
    source_id: str,
    source_reference: str | None,
    description: str,
    items: list[str],
    actor: str,
) -> FollowUp:
    """Add an open follow-up to the caller's transaction."""
    assert kind in FOLLOW_UP_KINDS
    follow_up = FollowUp(
        property_id=property_id,
        kind=kind,
        source=source,
        source_id=source_id,
        source_reference=source_reference,
        description=description,
        items=items,
        status="open",
        raised_by=actor,
    )
    session.add(follow_up)
    return follow_up


async def get(session: AsyncSession, follow_up_id: str, principal: Principal) -> FollowUp:
    return await get_visible(
        session, FollowUp, follow_up_id, principal, noun="follow-up", field="follow_up_id"
    )


async def resolve(
    session: AsyncSession, follow_up: FollowUp, resolution: str, actor: str
) -> FollowUp:
    FOLLOW_UP.check(follow_up, "resolve")
    follow_up.resolved_by = actor
    follow_up.resolved_at = utcnow()
    follow_up.resolution = resolution
    return await FOLLOW_UP.apply(session, follow_up, "resolve")


LIST = ListSpec(
    filters=(
        Filter("property_id", column=FollowUp.property_id, max_length=36),
        Filter("status", column=FollowUp.status, values=FOLLOW_UP_STATES),
        Filter("kind", column=FollowUp.kind, values=FOLLOW_UP_KINDS),
        Filter("source_id", column=FollowUp.source_id, max_length=36),
    ),
    sort={"created_at": FollowUp.created_at},
    default_sort="-created_at",
    id_column=FollowUp.id,
)


def list_query(principal: Principal, query: ListQuery) -> Select[tuple[FollowUp]]:
    stmt = scope_to_properties(select(FollowUp), FollowUp.property_id, principal)
    return LIST.apply(stmt, query)
