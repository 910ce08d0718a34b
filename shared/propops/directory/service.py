"""Rules of the user copy: apply the gateway's changes, check tokens, find department members.

Choices:
- A change is applied only if its ``version`` is newer than the row's: events repeated (the
  gateway republishes every user at each start) or out of order change nothing.
- A token of a user the copy does not know yet is accepted (the gateway signed it; e.g. the
  first admin of a fresh install before its event arrives). A known user's token is refused
  when the user is inactive or its ``ver`` is older than the copy's version.
- Checks are cached per process for ``user_check_cache_seconds`` (default 1 s), so a change
  reaches every request within the event's delivery time plus that.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from propops.auth import Principal, refuse_stale_token
from propops.directory.models import DirectoryUser
from propops.errors import Invalid
from propops.events.payloads import UserChanged


async def apply_change(session: AsyncSession, change: UserChanged) -> bool:
    """Keep ``change`` if it is newer than what the copy holds; returns whether it was kept."""
    row = await session.get(DirectoryUser, change.user_id)
    if row is not None and row.version >= change.version:
        return False
    if row is None:
        row = DirectoryUser(user_id=change.user_id)
        session.add(row)
    row.username = change.username
    row.roles = sorted(change.roles)
    row.property_ids = sorted(change.property_ids)
    row.active = change.active
    row.version = change.version
    row.changed_at = change.changed_at
    await session.flush()
    return True


@dataclass(frozen=True)
class KnownState:
    active: bool
    version: int


async def state_of(session: AsyncSession, user_id: str) -> KnownState | None:
    row = (
        await session.execute(
            select(DirectoryUser.active, DirectoryUser.version).where(
                DirectoryUser.user_id == user_id
            )
        )
    ).first()
    return None if row is None else KnownState(active=row.active, version=row.version)


async def check_principal(request: Request, principal: Principal) -> None:
    """``app.state.user_check`` of a service: refuse the token of a deactivated or changed user."""
    app = request.app
    ttl = app.state.settings.user_check_cache_seconds
    cache: dict[str, tuple[KnownState | None, float]] | None = getattr(
        app.state, "user_check_cache", None
    )
    if cache is None:
        cache = app.state.user_check_cache = {}
    now = time.monotonic()
    hit = cache.get(principal.user_id)
    if hit is not None and now - hit[1] < ttl:
        state = hit[0]
    else:
        async with app.state.ctx.db.sessions() as session:
            state = await state_of(session, principal.user_id)
        cache[principal.user_id] = (state, now)
    refuse_stale_token(principal, state)


async def require_member(
    session: AsyncSession, username: str, department: str, *, field: str = "assignee"
) -> DirectoryUser:
    """The active user ``username`` holding ``department``'s role, or 422 naming ``field``."""
    user = await session.scalar(select(DirectoryUser).where(DirectoryUser.username == username))
    if user is None:
        raise Invalid(f"no user named {username!r}", field=field)
    if not user.active:
        raise Invalid(f"user {username!r} is deactivated", field=field)
    if department not in user.roles:
        raise Invalid(f"user {username!r} is not in {department} (roles {user.roles})", field=field)
    return user
