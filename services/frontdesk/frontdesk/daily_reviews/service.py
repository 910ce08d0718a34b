"""Rules of the supervisor's daily review: the desk's supervisor (or a manager: 403 for anyone
else, ``propops.supervisor``) signs a property's day once, after
reading the gateway's daily review view (``/api/views/daily-review``); the office manager is
told by the ``daily_review.signed`` event."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.daily_reviews.models import DailyReview
from frontdesk.daily_reviews.schemas import DailyReviewIn
from frontdesk.register.models import Property
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.db import utcnow
from propops.errors import Conflict, Invalid
from propops.events.payloads import DailyReviewSigned
from propops.lists import Filter, ListQuery, ListSpec
from propops.messaging.outbox import emit
from propops.supervisor import require_sign_review
from propops.timezones import today_in


async def of_day(session: AsyncSession, property_id: str, day: date) -> DailyReview | None:
    stmt = select(DailyReview).where(
        DailyReview.property_id == property_id, DailyReview.date == day
    )
    return (await session.scalars(stmt)).first()


def _already(review: DailyReview) -> Conflict:
    return Conflict(
        f"{review.date.isoformat()} is signed already, by {review.signed_by} (review {review.id})",
        field="date",
        existing_id=review.id,
        signed_by=review.signed_by,
        signed_at=review.signed_at.isoformat(),
    )


async def sign(session: AsyncSession, data: DailyReviewIn, principal: Principal) -> DailyReview:
    """Sign a property's day: a day that has begun there (not tomorrow), once (409 naming the
    review that signed it)."""
    require_sign_review(principal)
    prop = await session.get(Property, data.property_id)
    if prop is None:
        raise Invalid(f"property {data.property_id} does not exist", field="property_id")
    check_property(principal, data.property_id)
    now = utcnow()
    if data.date > today_in(prop.time_zone, now):
        raise Invalid(
            f"{data.date.isoformat()} has not begun yet at the property ({prop.time_zone})",
            field="date",
        )
    existing = await of_day(session, data.property_id, data.date)
    if existing is not None:
        raise _already(existing)
    review = DailyReview(
        property_id=data.property_id,
        date=data.date,
        notes=data.notes.strip(),
        signed_by=principal.username,
        signed_at=now,
    )
    try:
        async with session.begin_nested():  # a concurrent signature loses on the unique day
            session.add(review)
            await session.flush()
    except IntegrityError:
        existing = await of_day(session, data.property_id, data.date)
        if existing is None:
            raise
        raise _already(existing) from None
    emit(
        session,
        DailyReviewSigned(
            review_id=review.id,
            property_id=review.property_id,
            date=review.date,
            signed_by=review.signed_by,
            signed_at=review.signed_at,
            notes=review.notes,
        ),
        subject=review.id,
    )
    return review


async def get(session: AsyncSession, review_id: str, principal: Principal) -> DailyReview:
    return await get_visible(
        session, DailyReview, review_id, principal, noun="daily review", field="review_id"
    )


LIST = ListSpec(
    filters=(
        Filter("property_id", column=DailyReview.property_id, max_length=36),
        Filter(
            "from",
            where=lambda value: DailyReview.date >= value,
            type=date,
            description="first day (YYYY-MM-DD)",
        ),
        Filter(
            "to",
            where=lambda value: DailyReview.date <= value,
            type=date,
            description="last day, included (YYYY-MM-DD)",
        ),
    ),
    sort={"date": DailyReview.date, "signed_at": DailyReview.signed_at},
    default_sort="-date",
    id_column=DailyReview.id,
)


def list_query(principal: Principal, query: ListQuery) -> Select[tuple[DailyReview]]:
    stmt = scope_to_properties(select(DailyReview), DailyReview.property_id, principal)
    return LIST.apply(stmt, query)
