"""Dead letters: list them, replay one through the same handler path as live messages."""

from __future__ import annotations

import json

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from propops.db import Database, utcnow
from propops.errors import Conflict, NotFound, WrongState
from propops.lists import Filter, ListQuery, ListSpec
from propops.messaging.consumer import EventConsumer, PoisonMessage, parse_event, process_event
from propops.messaging.models import DeadLetter
from propops.telemetry import consume_span

LIST = ListSpec(
    filters=(
        Filter("status", column=DeadLetter.status, values=("dead", "replayed")),
        Filter("consumer", column=DeadLetter.consumer, max_length=100),
        Filter("type", column=DeadLetter.type),
    ),
    sort={"created_at": DeadLetter.created_at, "deliveries": DeadLetter.deliveries},
    default_sort="-created_at",
    id_column=DeadLetter.id,
)


def list_query(query: ListQuery | None = None) -> Select[tuple[DeadLetter]]:
    return LIST.apply(select(DeadLetter), query or LIST.query())


async def get(session: AsyncSession, dead_letter_id: str) -> DeadLetter:
    row = await session.get(DeadLetter, dead_letter_id)
    if row is None:
        raise NotFound(f"dead letter {dead_letter_id} not found", field="id")
    return row


async def replay(db: Database, consumer: EventConsumer, dead_letter_id: str) -> DeadLetter:
    """Run the handler again for a dead letter; on success it is marked replayed."""
    async with db.sessions() as session:
        row = await get(session, dead_letter_id)
        if row.status == "replayed":
            raise WrongState(
                "dead letter was already replayed",
                current_state=row.status,
                action="replay",
                allowed_from=["dead"],
            )
        try:
            event, payload = parse_event(row.payload.encode())
        except PoisonMessage as exc:
            raise Conflict(f"message cannot be parsed, so it cannot be replayed: {exc}") from exc
        handler = consumer.handlers.get(event.type)
        if handler is None:
            raise Conflict(f"this service has no handler for {event.type}")
    with consume_span(row.subject, event.type, event.id, json.loads(row.headers), consumer.name):
        try:
            await process_event(db, consumer.name, handler, event, payload)
        except Exception as exc:
            async with db.sessions() as session:
                again = await get(session, dead_letter_id)
                again.error = f"replay failed: {type(exc).__name__}: {exc}"[:4000]
                await session.commit()
            raise Conflict(f"replay failed: {type(exc).__name__}: {exc}") from exc
    async with db.sessions() as session:
        row = await get(session, dead_letter_id)
        row.status = "replayed"
        row.replayed_at = utcnow()
        await session.commit()
        return row
