from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.users import service
from gateway.users.models import User
from gateway.users.schemas import PasswordChange, Token, UserIn, UserOut, UserPatch
from propops.auth import Principal, Unauthorized, current_principal, issue_token, require_role
from propops.concurrency import IfMatch, expected_version, set_etag
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(prefix="/api", tags=["users"])
admin_only = Depends(require_role("admin"))


@router.post("/auth/token", response_model=Token, summary="Sign in (OAuth2 password form)")
async def token(
    request: Request,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    session: AsyncSession = Depends(get_session),
) -> Token:
    user = await service.authenticate(session, username, password)
    if user is None:
        raise Unauthorized("wrong username or password, or the user is deactivated")
    await session.commit()
    return token_for(request, user)


def token_for(request: Request, user: User) -> Token:
    settings = request.app.state.settings
    return Token(
        access_token=issue_token(
            settings,
            user_id=user.id,
            username=user.username,
            roles=user.roles,
            property_ids=user.property_ids,
            version=user.version,
        ),
        expires_in=settings.jwt_ttl_seconds,
    )


def _changed(request: Request, user: User) -> None:
    """After a committed change: the proxy's cached look at the user is stale."""
    request.app.state.ctx.active_cache.pop(user.id, None)


@router.get("/me", response_model=UserOut)
async def me(
    principal: Principal = Depends(current_principal), session: AsyncSession = Depends(get_session)
) -> UserOut:
    return UserOut.model_validate(await service.get_user(session, principal.user_id))


@router.post(
    "/me/password",
    response_model=Token,
    summary="Change my password",
    description="The current password must be given. Every token issued before stops working; "
    "the answer is a new token.",
)
async def change_my_password(
    data: PasswordChange,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Token:
    user = await service.change_password(session, principal.user_id, data)
    await session.commit()
    _changed(request, user)
    return token_for(request, user)


@router.post("/users", status_code=201, response_model=UserOut, dependencies=[admin_only])
async def create_user(
    data: UserIn, request: Request, session: AsyncSession = Depends(get_session)
) -> JSONResponse:
    async def create() -> UserOut:
        return UserOut.model_validate(await service.create_user(session, data))

    return await idempotent_create(request, session, data.model_dump(exclude={"password"}), create)


@router.get("/users", response_model=Page[UserOut], dependencies=[admin_only])
async def list_users(
    query: ListQuery = Depends(service.LIST.dependency),
    session: AsyncSession = Depends(get_session),
) -> Page[UserOut]:
    return await paginate(session, service.list_users(query), query.page, UserOut.model_validate)


@router.get("/users/{user_id}", response_model=UserOut, dependencies=[admin_only])
async def get_user(
    user_id: str, response: Response, session: AsyncSession = Depends(get_session)
) -> UserOut:
    user = await service.get_user(session, user_id)
    set_etag(response, user.version)
    return UserOut.model_validate(user)


@router.patch("/users/{user_id}", response_model=UserOut, dependencies=[admin_only])
async def update_user(
    user_id: str,
    patch: UserPatch,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
    session: AsyncSession = Depends(get_session),
) -> UserOut:
    user = await service.update_user(
        session, user_id, patch, expected_version(patch.version, if_match)
    )
    out = UserOut.model_validate(user)
    await session.commit()
    _changed(request, user)
    set_etag(response, user.version)
    return out


@router.post("/users/{user_id}/deactivate", response_model=UserOut, dependencies=[admin_only])
async def deactivate_user(
    user_id: str,
    request: Request,
    response: Response,
    session: AsyncSession = Depends(get_session),
) -> UserOut:
    user = await service.update_user(session, user_id, UserPatch(active=False))
    out = UserOut.model_validate(user)
    await session.commit()
    _changed(request, user)
    set_etag(response, user.version)
    return out


@router.post("/users/{user_id}/activate", response_model=UserOut, dependencies=[admin_only])
async def activate_user(
    user_id: str,
    request: Request,
    response: Response,
    session: AsyncSession = Depends(get_session),
) -> UserOut:
    user = await service.update_user(session, user_id, UserPatch(active=True))
    out = UserOut.model_validate(user)
    await session.commit()
    _changed(request, user)
    set_etag(response, user.version)
    return out
