"""Rules of fee rates: a property's rates form a history; the rate in force on a day is the one
with the latest ``effective_from`` on or before that day. Rates are never edited: a correction
is a new rate from a day (two rates of one property from the same day: 409)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from fees.rates.models import FeeRate
from fees.rates.schemas import FeeRateIn
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.errors import Conflict
from propops.lists import Filter, ListQuery, ListSpec


def rate_in_force(rates: Iterable[FeeRate], on: date) -> FeeRate | None:
    """The rate in force on ``on``: the latest ``effective_from`` not after it (None: none
    yet). ``rates`` are one property's, in any order."""
    started = [r for r in rates if r.effective_from <= on]
    return max(started, key=lambda r: r.effective_from, default=None)


async def rate_on(session: AsyncSession, property_id: str, on: date) -> FeeRate | None:
    """The property's rate in force on ``on`` (one indexed query)."""
    return await session.scalar(
        select(FeeRate)
        .where(FeeRate.property_id == property_id, FeeRate.effective_from <= on)
        .order_by(FeeRate.effective_from.desc())
        .limit(1)
    )


async def add_rate(session: AsyncSession, data: FeeRateIn, principal: Principal) -> FeeRate:
    check_property(principal, data.property_id)
    same_day = await session.scalar(
        select(FeeRate).where(
            FeeRate.property_id == data.property_id,
            FeeRate.effective_from == data.effective_from,
        )
    )
    if same_day is not None:
        raise Conflict(
            f"the property already has a rate from {data.effective_from} (rate {same_day.id}); "
            "add the new rate from another day",
            field="effective_from",
            rate_id=same_day.id,
        )
    rate = FeeRate(
        property_id=data.property_id,
        basis=data.basis.value,
        amount=data.amount,
        effective_from=data.effective_from,
        created_by=principal.username,
    )
    session.add(rate)
    await session.flush()
    return rate


async def get_rate(session: AsyncSession, rate_id: str, principal: Principal) -> FeeRate:
    return await get_visible(session, FeeRate, rate_id, principal, noun="fee rate", field="rate_id")


LIST = ListSpec(
    filters=(Filter("property_id", column=FeeRate.property_id, max_length=36),),
    sort={"effective_from": FeeRate.effective_from, "created_at": FeeRate.created_at},
    default_sort="-effective_from",  # the newest first: the history
    id_column=FeeRate.id,
)


def list_rates(principal: Principal, query: ListQuery | None = None) -> Select[tuple[FeeRate]]:
    stmt = scope_to_properties(select(FeeRate), FeeRate.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())
