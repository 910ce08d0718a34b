"""The bell's rules: who sees which notification, unread counts, marking read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.notifications.models import Notification, NotificationRead
from gateway.notifications.rules import Draft, drafts_for
from gateway.users.models import User
from propops.auth import Principal
from propops.errors import NotFound
from propops.events.envelope import CloudEvent


async def record_event(session: AsyncSession, payload: BaseModel, event: CloudEvent) -> list[Draft]:
    """The notifications an event makes (in the consumer's transaction, with its inbox row)."""
    drafts = drafts_for(payload, event)
    for draft in drafts:
        session.add(
            Notification(
                event_id=event.id,
                audience=draft.audience,
                property_id=draft.property_id,
                kind=draft.kind,
                params=draft.params,
                created_at=event.time,
            )
        )
    return drafts


def audiences(principal: Principal) -> set[str]:
    """An admin hears what the manager hears, besides any role of their own."""
    roles = set(principal.roles)
    if "admin" in roles:
        roles.add("manager")
    return roles


async def _since(session: AsyncSession, principal: Principal) -> datetime | None:
    """A user hears of what happens from their creation on (not the backlog before)."""
    return await session.scalar(select(User.created_at).where(User.id == principal.user_id))


def _read_by(user_id: str) -> Any:
    return exists().where(
        NotificationRead.notification_id == Notification.id, NotificationRead.user_id == user_id
    )


async def visible(session: AsyncSession, principal: Principal) -> Select[tuple[Notification]]:
    stmt = select(Notification).where(Notification.audience.in_(audiences(principal)))
    if principal.property_ids:
        stmt = stmt.where(
            or_(
                Notification.property_id.is_(None),
                Notification.property_id.in_(principal.property_ids),
            )
        )
    since = await _since(session, principal)
    if since is not None:
        stmt = stmt.where(Notification.created_at >= since)
    return stmt


async def unread_count(session: AsyncSession, principal: Principal) -> int:
    stmt = (await visible(session, principal)).where(~_read_by(principal.user_id))
    return int(await session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)


async def list_for(
    session: AsyncSession, principal: Principal, *, unread: bool | None, limit: int, offset: int
) -> tuple[list[tuple[Notification, bool]], int]:
    """Newest first, each with whether this user has read it; and the total."""
    read = _read_by(principal.user_id)
    stmt = await visible(session, principal)
    if unread is True:
        stmt = stmt.where(~read)
    elif unread is False:
        stmt = stmt.where(read)
    total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = (
        await session.execute(
            stmt.add_columns(read.label("read"))
            .order_by(Notification.created_at.desc(), Notification.id)
            .limit(limit)
            .offset(offset)
        )
    ).all()
    return [(n, bool(r)) for n, r in rows], int(total or 0)


async def mark_read(session: AsyncSession, principal: Principal, notification_id: str) -> None:
    stmt = (await visible(session, principal)).where(Notification.id == notification_id)
    if await session.scalar(stmt) is None:
        raise NotFound(f"notification {notification_id} not found", field="notification_id")
    already = await session.get(NotificationRead, (notification_id, principal.user_id))
    if already is None:
        session.add(NotificationRead(notification_id=notification_id, user_id=principal.user_id))
        try:
            await session.commit()
        except IntegrityError:  # marked at the same moment from another tab: the same outcome
            await session.rollback()


async def mark_all_read(session: AsyncSession, principal: Principal) -> int:
    stmt = (await visible(session, principal)).where(~_read_by(principal.user_id))
    ids = (await session.scalars(stmt.with_only_columns(Notification.id))).all()
    for nid in ids:
        session.add(NotificationRead(notification_id=nid, user_id=principal.user_id))
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
    return len(ids)
