"""Ops endpoints every service has: dead letters (list, replay) and outbox state. Role admin."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncSession

from propops.auth import require_role
from propops.context import ServiceContext, get_session
from propops.lists import ListQuery
from propops.messaging import dead_letters
from propops.messaging.models import DeadLetter
from propops.pagination import Page, paginate


class DeadLetterOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    consumer: str
    stream: str
    subject: str
    event_id: str | None
    type: str | None
    payload: str
    error: str
    deliveries: int
    status: str
    created_at: datetime
    replayed_at: datetime | None


class OutboxState(BaseModel):
    pending: int
    nats_connected: bool


def ops_router() -> APIRouter:
    router = APIRouter(prefix="/ops", tags=["ops"], dependencies=[Depends(require_role("admin"))])

    @router.get("/dead-letters", response_model=Page[DeadLetterOut])
    async def list_dead_letters(
        query: ListQuery = Depends(dead_letters.LIST.dependency),
        session: AsyncSession = Depends(get_session),
    ) -> Page[DeadLetterOut]:
        return await paginate(
            session, dead_letters.list_query(query), query.page, DeadLetterOut.model_validate
        )

    @router.post("/dead-letters/{dead_letter_id}/replay", response_model=DeadLetterOut)
    async def replay_dead_letter(dead_letter_id: str, request: Request) -> DeadLetter:
        ctx: ServiceContext = request.app.state.ctx
        return await dead_letters.replay(ctx.db, ctx.consumer, dead_letter_id)

    @router.get("/outbox", response_model=OutboxState)
    async def outbox_state(request: Request) -> OutboxState:
        ctx: ServiceContext = request.app.state.ctx
        return OutboxState(pending=await ctx.relay.pending(), nats_connected=ctx.bus.connected)

    return router
