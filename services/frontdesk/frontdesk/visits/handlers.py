"""The gate's entries and exits (security) move the desk's visit, once."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.visits import service
from propops.events.envelope import CloudEvent
from propops.events.payloads import GateVisitMoved
from propops.messaging.subscriptions import On


async def on_gate_move(session: AsyncSession, move: GateVisitMoved, event: CloudEvent) -> None:
    kind = move.document_kind if move.identity_confirmed else None
    await service.apply_gate_move(session, move.visit_id, move.status, move.actor, kind)


SUBSCRIPTIONS: list[On[Any]] = [On(GateVisitMoved, on_gate_move)]
