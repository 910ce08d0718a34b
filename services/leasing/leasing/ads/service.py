"""Rules of ad placements: submitted ``pending`` on an ad space, then ``approve``-d or
``reject``-ed (with a note). Two approved placements of one ad space may not be up on the same
day (409 naming the other), checked under the space's lock. The artwork's file is a document
of the front desk's archive (``artwork_document_id``, checked against leasing's copy); an ad
whose artwork is archived later is flagged (``artwork_archived``) and, still pending, may no
longer be approved (409 naming ``artwork_document_id``). Lists answer what is up on each
space now (``current``), what expires soon (``expiring_within_days``) and what has expired."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from leasing.ads.models import APPROVED, PENDING, REJECTED, STATUSES, AdPlacement, AdPlacementStep
from leasing.ads.schemas import PlacementIn
from leasing.artwork.models import ARCHIVED as ARTWORK_ARCHIVED
from leasing.artwork.models import ArtworkDocument
from leasing.artwork.service import check_artwork
from leasing.contracts.models import Contract
from leasing.spaces.models import Space, SpaceKind
from leasing.spaces.service import lock_space, space_for
from leasing.today import on_local_today
from propops.auth import Principal, get_visible, scope_to_properties
from propops.db import utcnow
from propops.errors import Conflict, Invalid
from propops.lifecycle import Lifecycle
from propops.lists import Filter, ListQuery, ListSpec, contains

MAX_DAYS = 3660

PLACEMENT = Lifecycle(
    "ad placement",
    {"approve": ((PENDING,), APPROVED), "reject": ((PENDING,), REJECTED)},
)


def _step(a: AdPlacement, action: str, actor: str, **details: Any) -> AdPlacementStep:
    return AdPlacementStep(
        placement_id=a.id,
        at=utcnow(),
        actor=actor,
        action=action,
        status=a.status,
        details={k: v for k, v in details.items() if v is not None},
    )


async def submit(session: AsyncSession, data: PlacementIn, principal: Principal) -> AdPlacement:
    space = await space_for(session, data.space_id, principal, SpaceKind.ad_space)
    if data.ends_on < data.starts_on:
        raise Invalid("an ad comes down on or after the day it goes up", field="ends_on")
    if data.contract_id is not None:
        contract = await session.get(Contract, data.contract_id)
        if contract is None or contract.space_id != space.id:
            raise Invalid(
                f"contract {data.contract_id} is not one of space {space.code}",
                field="contract_id",
            )
    artwork_document = None
    if data.artwork_document_id is not None:
        artwork_document = await check_artwork(
            session, data.artwork_document_id, space.property_id, field="artwork_document_id"
        )
    placement = AdPlacement(
        property_id=space.property_id,
        space_id=space.id,
        contract_id=data.contract_id,
        advertiser=data.advertiser,
        artwork=data.artwork,
        artwork_document_id=data.artwork_document_id,
        artwork_document=artwork_document,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        status=PENDING,
        time_zone=space.time_zone,
        created_by=principal.username,
    )
    session.add(placement)
    await session.flush()
    session.add(_step(placement, "submitted", principal.username))
    await session.flush()
    return placement


async def approve(
    session: AsyncSession, placement: AdPlacement, note: str | None, actor: str
) -> None:
    PLACEMENT.check(placement, "approve")
    if placement.artwork_document_id is not None:
        artwork = await session.get(ArtworkDocument, placement.artwork_document_id)
        if artwork is not None and artwork.status == ARTWORK_ARCHIVED:
            # withdrawn at the desk since the ad was submitted: not put up (reject it instead)
            raise Conflict(f"artwork {artwork.title} is archived", field="artwork_document_id")
    space = await session.get(Space, placement.space_id)
    assert space is not None
    await lock_space(session, space)
    other = await session.scalar(
        select(AdPlacement)
        .where(
            AdPlacement.space_id == placement.space_id,
            AdPlacement.id != placement.id,
            AdPlacement.status == APPROVED,
            AdPlacement.starts_on <= placement.ends_on,
            AdPlacement.ends_on >= placement.starts_on,
        )
        .limit(1)
    )
    if other is not None:
        raise Conflict(
            f"ad space {space.code} shows {other.advertiser}'s ad from {other.starts_on} "
            f"to {other.ends_on}",
            field="starts_on",
            clash_placement_id=other.id,
            clash_starts_on=other.starts_on.isoformat(),
            clash_ends_on=other.ends_on.isoformat(),
        )
    _reviewed(placement, note, actor)
    await PLACEMENT.apply(
        session, placement, "approve", step=lambda a: _step(a, "approved", actor, note=note)
    )


async def reject(session: AsyncSession, placement: AdPlacement, note: str, actor: str) -> None:
    PLACEMENT.check(placement, "reject")
    _reviewed(placement, note, actor)
    await PLACEMENT.apply(
        session, placement, "reject", step=lambda a: _step(a, "rejected", actor, note=note)
    )


def _reviewed(placement: AdPlacement, note: str | None, actor: str) -> None:
    placement.reviewed_by = actor
    placement.reviewed_at = utcnow()
    placement.review_note = note or None


async def get(session: AsyncSession, placement_id: str, principal: Principal) -> AdPlacement:
    return await get_visible(
        session, AdPlacement, placement_id, principal, noun="ad placement", field="placement_id"
    )


async def history(session: AsyncSession, placement_id: str) -> list[AdPlacementStep]:
    return list(
        (
            await session.scalars(
                select(AdPlacementStep)
                .where(AdPlacementStep.placement_id == placement_id)
                .order_by(AdPlacementStep.at, AdPlacementStep.id)
            )
        ).all()
    )


def current(value: bool, today: date | None = None) -> ColumnElement[bool]:
    """Approved and up today (where the space is); false: the others."""
    up = and_(
        AdPlacement.status == APPROVED,
        on_local_today(
            AdPlacement.time_zone,
            lambda day: and_(AdPlacement.starts_on <= day, AdPlacement.ends_on >= day),
            today,
        ),
    )
    return up if value else ~up


def expiring_within(days: int, today: date | None = None) -> ColumnElement[bool]:
    """Approved, and its last day from today to ``days`` days on."""
    return and_(
        AdPlacement.status == APPROVED,
        on_local_today(
            AdPlacement.time_zone,
            lambda day: AdPlacement.ends_on.between(day, day + timedelta(days)),
            today,
        ),
    )


def expired(value: bool, today: date | None = None) -> ColumnElement[bool]:
    """Approved and past its last day; false: approved and not past it."""
    past = on_local_today(AdPlacement.time_zone, lambda day: AdPlacement.ends_on < day, today)
    return and_(AdPlacement.status == APPROVED, past if value else ~past)


def artwork_archived(value: bool) -> ColumnElement[bool]:
    """Its artwork document was archived at the front desk (false: not, or no document)."""
    archived = AdPlacement.artwork_document_id.in_(
        select(ArtworkDocument.id).where(ArtworkDocument.status == ARTWORK_ARCHIVED)
    )
    return archived if value else or_(AdPlacement.artwork_document_id.is_(None), ~archived)


LIST = ListSpec(
    filters=(
        Filter("property_id", column=AdPlacement.property_id, max_length=36),
        Filter("space_id", column=AdPlacement.space_id, max_length=36),
        Filter("status", column=AdPlacement.status, values=STATUSES),
        Filter(
            "current",
            type=bool,
            where=current,
            description="only approved ads up today (false: the others)",
        ),
        Filter(
            "expiring_within_days",
            type=int,
            ge=0,
            le=MAX_DAYS,
            where=expiring_within,
            description="only approved ads whose last day is from today to this many days on",
        ),
        Filter(
            "expired",
            type=bool,
            where=expired,
            description="only approved ads past their last day (false: approved, not past it)",
        ),
        Filter(
            "artwork_archived",
            type=bool,
            where=artwork_archived,
            description="only ads whose artwork document was archived at the front desk "
            "(false: the others)",
        ),
    ),
    sort={
        "ends_on": (AdPlacement.ends_on, AdPlacement.created_at),
        "starts_on": AdPlacement.starts_on,
        "created_at": AdPlacement.created_at,
    },
    default_sort="ends_on",
    id_column=AdPlacement.id,
    search=contains(AdPlacement.search_text),
    search_description="words of the advertiser or the artwork",
)


def list_placements(
    principal: Principal, query: ListQuery | None = None
) -> Select[tuple[AdPlacement]]:
    stmt = scope_to_properties(select(AdPlacement), AdPlacement.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())
