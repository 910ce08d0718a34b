"""An action on a record with a life cycle, as every leasing route runs it: the version the
client expects (``If-Match`` or ``version`` in the body) checked under ``propops.lifecycle.guard``
(412 if it is not, or no longer, current), commit, and the new version as the ``ETag``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Response
from sqlalchemy.ext.asyncio import AsyncSession

from propops.concurrency import expected_version, set_etag
from propops.lifecycle import Versioned, guard

ACTION_DOC = (
    "Send the version last read as `If-Match` (its `ETag`) or `version`: 412 if it changed "
    "meanwhile; 409 if its state does not allow the action. The answer carries the new `ETag`."
)


async def run_action(
    session: AsyncSession,
    record: Versioned,
    *,
    noun: str,
    response: Response,
    if_match: str | None,
    body_version: int | None,
    change: Callable[[], Awaitable[Any]],
) -> None:
    expected = expected_version(body_version, if_match)
    async with guard(session, record, expected, noun=noun):
        await change()
    await session.commit()
    set_etag(response, record.version)
