"""Rules of post checks: a check passes when the guard is present, properly dressed and alert;
a failing one publishes ``propops.security.post_check.failed.v1`` (the front desk lists it) in
the same transaction. The roster's guards at the post at that moment are kept with the check."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from propops.auth import Principal, get_visible, scope_to_properties
from propops.db import utcnow
from propops.events.payloads import PostCheckFailed
from propops.lists import Filter, ListQuery, ListSpec, before_instant, from_instant
from propops.messaging.outbox import emit
from security.post_checks.models import PostCheck
from security.post_checks.schemas import PostCheckIn
from security.posts.service import get_post
from security.shifts.models import Shift


def passes(present: bool, dressed: bool, alert: bool) -> bool:
    return present and dressed and alert


async def guards_on_duty(session: AsyncSession, post_id: str, at: datetime) -> list[str]:
    rows = await session.scalars(
        select(Shift.guard).where(Shift.post_id == post_id, Shift.start <= at, Shift.end > at)
    )
    return sorted(set(rows))


async def record_check(
    session: AsyncSession, data: PostCheckIn, principal: Principal, at: datetime | None = None
) -> PostCheck:
    post = await get_post(session, data.post_id, principal)
    at = at or utcnow()
    checked_by = (data.checked_by or "").strip() or principal.username
    check = PostCheck(
        post_id=post.id,
        property_id=post.property_id,
        checked_by=checked_by,
        checked_at=at,
        present=data.present,
        dressed=data.dressed,
        alert=data.alert,
        passed=passes(data.present, data.dressed, data.alert),
        guards_on_duty=await guards_on_duty(session, post.id, at),
        notes=data.notes,
    )
    session.add(check)
    await session.flush()
    if not check.passed:
        emit(
            session,
            PostCheckFailed(
                check_id=check.id,
                property_id=post.property_id,
                post_id=post.id,
                post_code=post.code,
                post_name=post.name,
                checked_by=checked_by,
                present=check.present,
                dressed=check.dressed,
                alert=check.alert,
                guards_on_duty=check.guards_on_duty,
                notes=check.notes,
                at=at,
            ),
            subject=check.id,
        )
    return check


async def get_check(session: AsyncSession, check_id: str, principal: Principal) -> PostCheck:
    return await get_visible(
        session, PostCheck, check_id, principal, noun="post check", field="check_id"
    )


LIST = ListSpec(
    filters=(
        Filter("property_id", column=PostCheck.property_id, max_length=36),
        Filter("post_id", column=PostCheck.post_id, max_length=36),
        Filter("passed", type=bool, column=PostCheck.passed),
        Filter(
            "checked_from",
            where=from_instant(PostCheck.checked_at),
            type=datetime,
            description="checked at or after this instant (ISO 8601; UTC without an offset)",
        ),
        Filter(
            "checked_before",
            where=before_instant(PostCheck.checked_at),
            type=datetime,
            description="checked before this instant",
        ),
    ),
    sort={"checked_at": PostCheck.checked_at},
    default_sort="-checked_at",
    id_column=PostCheck.id,
)


def list_checks(principal: Principal, query: ListQuery | None = None) -> Select[tuple[PostCheck]]:
    stmt = scope_to_properties(select(PostCheck), PostCheck.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())
