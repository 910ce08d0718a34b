from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.notifications import service
from gateway.notifications.models import Notification
from gateway.notifications.rules import text_of
from gateway.views.api import signed_in
from propops.auth import Principal

router = APIRouter(prefix="/api/notifications", tags=["notifications"])


async def _session(request: Request):  # type: ignore[no-untyped-def]
    async with request.app.state.ctx.db.sessions() as session:
        yield session


def out(n: Notification, read: bool) -> dict[str, Any]:
    return {
        "id": n.id,
        "kind": n.kind,
        "text": text_of(n.kind, n.params),
        "params": n.params,
        "audience": n.audience,
        "property_id": n.property_id,
        "created_at": n.created_at.isoformat(),
        "read": read,
    }


@router.get("", summary="The signed-in user's notifications, newest first")
async def list_notifications(
    unread: bool | None = Query(None, description="only unread (true) or read (false)"),
    limit: int = Query(20, ge=1, le=200),
    offset: int = Query(0, ge=0),
    principal: Principal = Depends(signed_in),
    session: AsyncSession = Depends(_session),
) -> dict[str, Any]:
    rows, total = await service.list_for(
        session, principal, unread=unread, limit=limit, offset=offset
    )
    return {
        "items": [out(n, r) for n, r in rows],
        "total": total,
        "limit": limit,
        "offset": offset,
        "unread": await service.unread_count(session, principal),
    }


@router.get("/count", summary="How many are unread (the bell)")
async def unread_count(
    principal: Principal = Depends(signed_in), session: AsyncSession = Depends(_session)
) -> dict[str, int]:
    return {"unread": await service.unread_count(session, principal)}


@router.post("/{notification_id}/read", summary="Mark one read")
async def mark_read(
    notification_id: str,
    principal: Principal = Depends(signed_in),
    session: AsyncSession = Depends(_session),
) -> dict[str, int]:
    await service.mark_read(session, principal, notification_id)
    return {"unread": await service.unread_count(session, principal)}


@router.post("/read-all", summary="Mark every one read")
async def mark_all_read(
    principal: Principal = Depends(signed_in), session: AsyncSession = Depends(_session)
) -> dict[str, int]:
    await service.mark_all_read(session, principal)
    return {"unread": await service.unread_count(session, principal)}
