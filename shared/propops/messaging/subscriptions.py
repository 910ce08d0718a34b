"""Event handlers, declared by the payload class they take.

A feature says which events it reacts to as ``On(PayloadClass, handler)``; the handler receives
the payload already validated against the catalog's class (never ``event.data``), with the
envelope for its id, type and time::

    async def on_unit_registered(session: AsyncSession, unit: UnitRegistered, event: CloudEvent):
        ...

    SUBSCRIPTIONS = [On(UnitRegistered, on_unit_registered)]

A payload class that several event types carry (``ComplaintChanged``: one per verb) is narrowed
with ``verbs=("dispatched",)``, or to exact types the catalog makes (``types=
(task_event_type("engineering", "completed"),)``: one department's tasks, not every one's); the
event types come from the catalog, so no type is written as a string outside it. Several
handlers of one type (from different features of a service) run one after the other in the
same transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from propops.events.catalog import types_for_payload, verb_of
from propops.events.envelope import CloudEvent

P = TypeVar("P", bound=BaseModel)

PayloadHandler = Callable[[AsyncSession, P, CloudEvent], Awaitable[None]]
# What the consumer runs for one event type: every subscriber's handler, in one transaction.
Handler = Callable[[AsyncSession, BaseModel, CloudEvent], Awaitable[None]]


@dataclass(frozen=True)
class On(Generic[P]):
    """``handle`` runs for every event carrying ``payload`` (or only those of ``verbs``, or
    only ``types``)."""

    payload: type[P]
    handle: PayloadHandler[P]
    verbs: tuple[str, ...] = ()
    types: tuple[str, ...] = ()

    def event_types(self) -> list[str]:
        types = types_for_payload(self.payload)
        if self.types:
            strangers = set(self.types) - set(types)
            if strangers:
                raise ValueError(f"{self.payload.__name__} is not carried by {sorted(strangers)}")
            types = [t for t in types if t in self.types]
        if not self.verbs:
            return types
        chosen = [t for t in types if verb_of(t) in self.verbs]
        missing = set(self.verbs) - {verb_of(t) for t in chosen}
        if missing:
            raise ValueError(
                f"{self.payload.__name__} is carried by no event with verb(s) {sorted(missing)}"
            )
        return chosen


def handlers_by_type(subscriptions: Sequence[On[Any]]) -> dict[str, Handler]:
    """The consumer's table: one handler per event type, running each subscriber in turn."""
    grouped: dict[str, list[PayloadHandler[Any]]] = {}
    for sub in subscriptions:
        for event_type in sub.event_types():
            grouped.setdefault(event_type, []).append(sub.handle)
    return {t: _in_sequence(hs) for t, hs in grouped.items()}


def _in_sequence(handlers: list[PayloadHandler[Any]]) -> Handler:
    if len(handlers) == 1:
        return handlers[0]

    async def run(session: AsyncSession, payload: BaseModel, event: CloudEvent) -> None:
        for handler in handlers:
            await handler(session, payload, event)

    return run
