"""Users of the gateway: create, authenticate, change, deactivate; the first admin."""

from __future__ import annotations

import secrets

from pwdlib import PasswordHash
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.users.models import User
from gateway.users.schemas import UserIn, UserPatch
from propops.errors import Conflict, NotFound
from propops.lifecycle import check_version
from propops.lists import Filter, ListQuery, ListSpec

_hasher = PasswordHash.recommended()  # argon2id
# Verified against when the user does not exist, so both paths cost one argon2 check.
_DUMMY_HASH = _hasher.hash("propops-timing-guard")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


async def create_user(session: AsyncSession, data: UserIn) -> User:
    if await session.scalar(select(User.id).where(User.username == data.username)):
        raise Conflict(f"username {data.username!r} is taken", field="username")
    user = User(
        username=data.username,
        password_hash=hash_password(data.password),
        roles=sorted(set(data.roles)),
        property_ids=sorted(set(data.property_ids)),
    )
    session.add(user)
    await session.flush()
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
    session: AsyncSession, user_id: str, patch: UserPatch, expected: int | None = None
) -> User:
    """Change a user; ``expected`` is the version the admin last read (412 if it moved on)."""
    user = await get_user(session, user_id)
    check_version(user, expected, "user")
    if patch.password is not None:
        user.password_hash = hash_password(patch.password)
    if patch.roles is not None:
        user.roles = sorted(set(patch.roles))
    if patch.property_ids is not None:
        user.property_ids = sorted(set(patch.property_ids))
    if patch.active is not None:
        user.active = patch.active
    if "admin" not in user.roles or not user.active:
        await _keep_one_admin(session, user)
    user.version += 1
    await session.flush()
    return user


async def _keep_one_admin(session: AsyncSession, changed: User) -> None:
    admins = (await session.scalars(select(User).where(User.active.is_(True)))).all()
    others = [u for u in admins if u.id != changed.id and "admin" in u.roles]
    if not others:
        raise Conflict("this would leave no active admin", field="roles")


async def ensure_first_admin(session: AsyncSession, password: str | None) -> str | None:
    """Create user ``admin`` when there is no user at all. Returns the password if generated."""
    if await session.scalar(select(func.count()).select_from(User)):
        return None
    generated = None
    if not password:
        password = generated = secrets.token_urlsafe(12)
    session.add(
        User(
            username="admin",
            password_hash=hash_password(password),
            roles=["admin"],
            property_ids=[],
        )
    )
    await session.commit()
    return generated
