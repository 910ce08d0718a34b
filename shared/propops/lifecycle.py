"""Records that change: one pattern for every record with a life cycle (complaints, tasks, and
later passes, bookings, contracts, nonconformances).

- A **transition table** ``action -> (allowed from-states, next state)``
  (``Lifecycle``); a next state of ``None`` keeps the state (e.g. a note, an escalation).
- The record's model declares ``__mapper_args__ = {"version_id_col": version}``: every UPDATE of
  the row is ``... WHERE id = ? AND version = <the version read>`` and bumps the version, so two
  writers never both win (the loser's UPDATE matches no row: ``StaleDataError``).
- ``Lifecycle.apply`` checks the state (409 ``WrongState``: ``current_state``, ``action``,
  ``allowed_from``), moves to the next state, adds the history step and the outbox events, and
  flushes the UPDATE, all in the caller's transaction.
- ``guard`` wraps a whole request's change: the client's expected version first (``If-Match``,
  412 ``PreconditionFailed``: ``current_version``, ``expected_version``), and a version check
  lost in the UPDATE becomes the same 412 with the versions filled in, or, when the client
  named no version, a 409 ``ChangedMeanwhile`` with the same members (RFC 9110: 412 only for a
  precondition the client set).

Usage (a route)::

    async with guard(session, complaint, parse_if_match(if_match)):
        await COMPLAINT.apply(session, complaint, "cancel", step=..., events=[...])
    await session.commit()
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel
from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from propops.errors import PreconditionFailed, WrongState, lost_race
from propops.messaging.outbox import emit


class Versioned(Protocol):
    version: int


R = TypeVar("R", bound=Versioned)


@dataclass(frozen=True)
class Transition:
    allowed_from: tuple[str, ...]
    to: str | None  # None: the action keeps the state


@dataclass(frozen=True)
class Event:
    """An event a transition adds to the outbox (``propops.messaging.outbox.emit``)."""

    payload: BaseModel
    subject: str
    event_type: str | None = None


Later = Callable[[Any], Any]  # a step or events built from the record once its state moved


class Lifecycle:
    """The transition table of one kind of record and the helper that applies it."""

    def __init__(
        self,
        noun: str,
        table: Mapping[str, tuple[Iterable[str], str | None]],
        *,
        state: str = "status",
    ) -> None:
        self.noun = noun
        self.state = state
        self.table = {
            action: Transition(tuple(allowed), to) for action, (allowed, to) in table.items()
        }

    def allowed_from(self, action: str) -> tuple[str, ...]:
        return self.table[action].allowed_from

    def can(self, current: str, action: str) -> bool:
        return current in self.table[action].allowed_from

    def check(
        self, record: object, action: str, *, noun: str | None = None, hint: str | None = None
    ) -> Transition:
        """The transition of ``action``; 409 ``WrongState`` if the record's state forbids it."""
        transition = self.table[action]
        current = getattr(record, self.state)
        if current in transition.allowed_from:
            return transition
        because = hint or f"allowed from: {', '.join(transition.allowed_from)}"
        raise WrongState(
            f"{noun or self.noun} is {current}; cannot {action.replace('_', ' ')} ({because})",
            current_state=current,
            action=action,
            allowed_from=transition.allowed_from,
        )

    async def apply(
        self,
        session: AsyncSession,
        record: R,
        action: str,
        *,
        to: str | None = None,
        step: object | Sequence[object] | Later | None = None,
        events: Sequence[Event] | Later = (),
        noun: str | None = None,
        hint: str | None = None,
        flush: bool = True,
    ) -> R:
        """Check the state, move to the next state (``to`` overrides the table's, e.g. a choice
        the rule makes), add the history ``step`` (a row or a list of rows, or a function of the
        record giving them) and ``events`` (or a function of the record giving them) to the
        session, and flush: the UPDATE checks and bumps the version (``StaleDataError`` if
        another writer got there first; ``guard`` makes it a 412, or a 409 without If-Match)."""
        transition = self.check(record, action, noun=noun, hint=hint)
        target = to or transition.to
        if target is not None:
            setattr(record, self.state, target)
        rows = step(record) if callable(step) else step
        for row in rows if isinstance(rows, list | tuple) else [rows]:
            if row is not None:
                session.add(row)
        for event in events(record) if callable(events) else events:
            if event is not None:
                emit(session, event.payload, subject=event.subject, event_type=event.event_type)
        if flush:
            await session.flush()
        return record


def check_version(record: Versioned, expected: int | None, noun: str = "record") -> None:
    """412 if the client expects another version than the one just read (``None``: no check)."""
    if expected is not None and expected != record.version:
        raise PreconditionFailed(
            f"{noun} is at version {record.version}, not {expected}: it changed meanwhile; "
            "reload it and try again",
            current_version=record.version,
            expected_version=expected,
        )


async def current_version(
    session: AsyncSession, model: type[Any], identity: tuple[Any, ...]
) -> int | None:
    """The version the database holds now for the record of ``identity`` (its primary key),
    read afresh (after a lost race)."""
    mapper = inspect(model)
    if mapper.version_id_col is None:
        return None
    where = [column == value for column, value in zip(mapper.primary_key, identity, strict=True)]
    return await session.scalar(select(mapper.version_id_col).where(*where))


@asynccontextmanager
async def guard(
    session: AsyncSession, record: R, expected: int | None = None, *, noun: str = "record"
) -> AsyncIterator[R]:
    """A request's change of ``record``: checks the client's expected version first (412), and
    turns a version check lost in the UPDATE (another writer first) into the same 412, or a 409
    ``ChangedMeanwhile`` if the client named no version. The block's pending changes are
    flushed on exit; the caller commits."""
    check_version(record, expected, noun)
    read = record.version
    identity = inspect(record).identity  # read now: a rollback expires the record
    try:
        yield record
        await session.flush()
    except StaleDataError as exc:
        await session.rollback()
        now = await current_version(session, type(record), identity) if identity else None
        raise lost_race(
            f"{noun} was changed meanwhile by someone else; reload it and try again",
            precondition=expected is not None,
            current_version=now,
            read_version=read,
        ) from exc
