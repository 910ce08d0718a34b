"""Users of the gateway: create, authenticate, change, deactivate; passwords; the first admin.

The gateway owns users. Every change raises the user's ``version`` (tokens carry the version
they were issued at, so older tokens stop working) and is published as
``propops.gateway.user.changed.v1`` through the gateway's outbox, in the same transaction;
services keep a copy (``propops.directory``). At each start the gateway republishes every user
(``publish_all``): a copy that missed events (a service's database restored or replaced, an
installation upgraded from before these events) is complete again, and repeats change nothing
(the copy keeps only newer versions).
"""

from __future__ import annotations

import secrets

from fastapi import Request
from pwdlib import PasswordHash
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.users.models import User
from gateway.users.schemas import PasswordChange, UserIn, UserPatch
from propops.auth import Principal, Unauthorized, refuse_stale_token
from propops.db import utcnow
from propops.errors import Conflict, Invalid, NotFound
from propops.events.payloads import UserChanged
from propops.lifecycle import check_version
from propops.lists import Filter, ListQuery, ListSpec
from propops.messaging.outbox import emit

_hasher = PasswordHash.recommended()  # argon2id
# Verified against when the user does not exist, so both paths cost one argon2 check.
_DUMMY_HASH = _hasher.hash("propops-timing-guard")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def publish(session: AsyncSession, user: User) -> None:
    """Store the user's current state as an event in the outbox (the caller's transaction)."""
    emit(
        session,
        UserChanged(
            user_id=user.id,
            username=user.username,
            roles=list(user.roles),
            property_ids=list(user.property_ids),
            active=user.active,
            version=user.version,
            changed_at=user.updated_at or utcnow(),
        ),
        subject=user.id,
    )


async def publish_all(session: AsyncSession) -> int:
    """Republish every user (at gateway start); commits; returns how many."""
    users = (await session.scalars(select(User).order_by(User.username))).all()
    for user in users:
        publish(session, user)
    await session.commit()
    return len(users)


async def create_user(session: AsyncSession, data: UserIn) -> User:
    if await session.scalar(select(User.id).where(User.username == data.username)):
        raise Conflict(f"username {data.username!r} is taken", field="username")
    user = User(
        username=data.username,
        password_hash=hash_password(data.password),
        roles=sorted(set(data.roles)),
        property_ids=sorted(set(data.property_ids)),
        active=True,
        version=1,
    )
    session.add(user)
    await session.flush()
    publish(session, user)
    return user


async def authenticate(session: AsyncSession, username: str, password: str) -> User | None:
    user = await session.scalar(select(User).where(User.username == username))
    if user is None:
        _hasher.verify(password, _DUMMY_HASH)
        return None
    ok, new_hash = _hasher.verify_and_update(password, user.password_hash)
    if not ok or not user.active:
        return None
    if new_hash:
        user.password_hash = new_hash
    return user


async def check_principal(request: Request, principal: Principal) -> None:
    """``app.state.user_check`` of the gateway: the token's user must exist, be active and be
    unchanged since the token was issued (checked in the users table on every request)."""
    async with request.app.state.ctx.db.sessions() as session:
        user = await session.get(User, principal.user_id)
        if user is None:
            raise Unauthorized("user no longer exists")
        refuse_stale_token(principal, user)


async def get_user(session: AsyncSession, user_id: str) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found", field="id")
    return user


LIST = ListSpec(
    filters=(
        Filter("active", type=bool, column=User.active),
        Filter("username", column=User.username, max_length=80),
    ),
    sort={"username": User.username, "created_at": User.created_at},
    default_sort="username",
    id_column=User.id,
)


def list_users(query: ListQuery | None = None) -> Select[tuple[User]]:
    return LIST.apply(select(User), query or LIST.query())


async def update_user(
    session: AsyncSession,
    user_id: str,
    patch: UserPatch,
    expected: int | None = None,
) -> User:
    """Change a user; ``expected`` is the version the admin last read (412 if it moved on)."""
    user = await get_user(session, user_id)
    check_version(user, expected, "user")
    was_admin = user.active and "admin" in user.roles
    if patch.password is not None:
        user.password_hash = hash_password(patch.password)
    if patch.roles is not None:
        user.roles = sorted(set(patch.roles))
    if patch.property_ids is not None:
        user.property_ids = sorted(set(patch.property_ids))
    if patch.active is not None:
        user.active = patch.active
    if was_admin and ("admin" not in user.roles or not user.active):
        await _keep_one_admin(session, user)
    user.version += 1
    user.updated_at = utcnow()
    await session.flush()
    publish(session, user)
    return user


async def change_password(session: AsyncSession, user_id: str, data: PasswordChange) -> User:
    """A user changes their own password; the current one must be given. The user's older
    tokens stop working (it is a change like any other)."""
    user = await get_user(session, user_id)
    ok, _ = _hasher.verify_and_update(data.current_password, user.password_hash)
    if not ok:
        raise Invalid("the current password is wrong", field="current_password")
    if data.new_password == data.current_password:
        raise Invalid("the new password is the current one", field="new_password")
    return await update_user(
        session,
        user_id,
        UserPatch(password=data.new_password),
    )


async def reset_password(session: AsyncSession, username: str, password: str) -> User:
    """An admin sets a user's password (``propops user reset-password``)."""
    user = await session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user named {username!r}", field="username")
    return await update_user(
        session,
        user.id,
        UserPatch(password=password),
    )


async def _keep_one_admin(session: AsyncSession, changed: User) -> None:
    admins = (await session.scalars(select(User).where(User.active.is_(True)))).all()
    others = [u for u in admins if u.id != changed.id and "admin" in u.roles]
    if not others:
        raise Conflict("this would leave no active admin", field="roles")


def generate_password() -> str:
    return secrets.token_urlsafe(12)


async def ensure_first_admin(session: AsyncSession, password: str) -> bool:
    """Create user ``admin`` with ``password`` when there is no user at all; returns whether
    it was created. The caller chooses the password and shows it (never in a log)."""
    if await session.scalar(select(func.count()).select_from(User)):
        return False
    await create_user(session, UserIn(username="admin", password=password, roles=["admin"]))
    await session.commit()
    return True


async def has_users(session: AsyncSession) -> bool:
    return bool(await session.scalar(select(func.count()).select_from(User)))
