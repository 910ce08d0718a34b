"""Tokens, roles and rights, and the FastAPI dependencies that enforce them.

Rights (one rule for the gateway and every service): a department's role reads and writes its own
service; ``manager`` reads every service; ``admin`` does everything. ``supervisor`` (the front
desk's 客服領班, held with ``frontdesk``) grants no rights on a service by itself: the front desk
checks it in its own rules (``propops.supervisor``). A user's ``property_ids`` scope what they
see (empty: every property).

A token carries the user's ``version`` when it was issued (claim ``ver``). Every change to a
user (roles, properties, deactivation, password) raises the version, so old tokens stop
working: the gateway checks its users table, each service its copy (``propops.directory``).
The app names that check in ``app.state.user_check`` (see ``UserCheck``); ``current_principal``
runs it on every request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import ColumnElement, Select
from sqlalchemy.ext.asyncio import AsyncSession

from propops.errors import DomainError, Forbidden, NotFound
from propops.settings import DEPARTMENTS, ServiceSettings

T = TypeVar("T", bound=tuple[Any, ...])
M = TypeVar("M")

ROLES: tuple[str, ...] = ("admin", "manager", "supervisor", *DEPARTMENTS)
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Unauthorized(DomainError):
    status = 401
    title = "Unauthorized"


@dataclass(frozen=True)
class Principal:
    user_id: str
    username: str
    roles: frozenset[str]
    property_ids: frozenset[str] = field(default_factory=frozenset)
    token_version: int = 0  # the user's version when the token was issued (0: not given)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def sees_property(self, property_id: str) -> bool:
        return not self.property_ids or property_id in self.property_ids


def can(principal: Principal, service: str, *, write: bool) -> bool:
    """The rights rule."""
    if "admin" in principal.roles:
        return True
    if service in principal.roles:
        return True
    return not write and "manager" in principal.roles


class UserState(Protocol):
    """What the gateway (its users) and a service (its copy) know of a user now."""

    active: bool
    version: int


def refuse_stale_token(principal: Principal, user: UserState | None) -> None:
    """The one rule for a token against the user's current state: 401 if the user is
    deactivated or changed after the token was issued. ``None`` (the user is not known) passes:
    callers decide whether an unknown user may be trusted."""
    if user is None:
        return
    if not user.active:
        raise Unauthorized("user is deactivated")
    if principal.token_version < user.version:
        raise Unauthorized("the user was changed after this token was issued: sign in again")


# The app's check of a principal against the user's current state (``app.state.user_check``).
UserCheck = Callable[[Request, Principal], Awaitable[None]]


def check_property(principal: Principal, property_id: str) -> None:
    if not principal.sees_property(property_id):
        raise Forbidden(f"no access to property {property_id}", field="property_id")


def issue_token(
    settings: ServiceSettings,
    *,
    user_id: str,
    username: str,
    roles: list[str],
    property_ids: list[str] | None = None,
    version: int = 0,
    ttl_seconds: int | None = None,
) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": user_id,
        "name": username,
        "roles": sorted(roles),
        "props": sorted(property_ids or []),
        "ver": version,
        "iss": settings.jwt_issuer,
        "iat": now,
        "exp": now + timedelta(seconds=ttl_seconds or settings.jwt_ttl_seconds),
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


def decode_token(settings: ServiceSettings, token: str) -> Principal:
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret,
            algorithms=["HS256"],
            issuer=settings.jwt_issuer,
            options={"require": ["sub", "exp", "iss"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("token expired") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"invalid token: {exc}") from exc
    roles = frozenset(r for r in claims.get("roles", []) if r in ROLES)
    return Principal(
        user_id=str(claims["sub"]),
        username=str(claims.get("name", claims["sub"])),
        roles=roles,
        property_ids=frozenset(claims.get("props", [])),
        token_version=int(claims.get("ver") or 0),
    )


_bearer = HTTPBearer(auto_error=False)


def _settings(request: Request) -> ServiceSettings:
    return request.app.state.settings


async def current_principal(
    request: Request,
    creds: HTTPAuthorizationCredentials | None = Depends(_bearer),
) -> Principal:
    if creds is None or creds.scheme.lower() != "bearer" or not creds.credentials:
        raise Unauthorized("missing bearer token")
    principal = decode_token(_settings(request), creds.credentials)
    check: UserCheck | None = getattr(request.app.state, "user_check", None)
    if check is not None:
        await check(request, principal)
    request.state.principal = principal
    return principal


def require_service_rights(service: str, *, managers_write: bool = False):
    """Router dependency: reads need read rights on ``service``, other methods write rights
    (``managers_write``: a manager's too, for routes that check who may themselves)."""

    async def _check(
        request: Request, principal: Principal = Depends(current_principal)
    ) -> Principal:
        write = request.method not in READ_METHODS
        manager = managers_write and "manager" in principal.roles
        if not manager and not can(principal, service, write=write):
            raise Forbidden(
                f"role(s) {sorted(principal.roles) or '[]'} may not {'write' if write else 'read'} "
                f"{service}"
            )
        return principal

    return _check


def require_role(*roles: str):
    async def _check(principal: Principal = Depends(current_principal)) -> Principal:
        if not (principal.roles & set(roles)) and not principal.is_admin:
            raise Forbidden(f"requires role {' or '.join(roles)}")
        return principal

    return _check


def scope_to_properties(
    stmt: Select[T], column: ColumnElement[str], principal: Principal
) -> Select[T]:
    """Limit a list query to the properties the user may see (all when they have no list)."""
    if not principal.property_ids:
        return stmt
    return stmt.where(column.in_(principal.property_ids))


async def get_visible(
    session: AsyncSession,
    model: type[M],
    ident: str,
    principal: Principal | None,
    *,
    noun: str,
    field: str,
    scope: str = "property_id",
) -> M:
    """A row by id, or 404 naming ``field``; 403 when the user may not see its property
    (``scope`` names the row's property column; no principal: no check)."""
    row = await session.get(model, ident)
    if row is None:
        raise NotFound(f"{noun} {ident} not found", field=field)
    if principal is not None:
        check_property(principal, getattr(row, scope))
    return row
