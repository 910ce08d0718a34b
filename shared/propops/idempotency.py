"""``Idempotency-Key`` on POST: the first answer is stored with the change; a retry with the same
key and body gets the same answer, a retry with a different body gets 422."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from propops.errors import Invalid
from propops.messaging.models import IdempotencyKey

HEADER = "Idempotency-Key"


def _scope(request: Request) -> str:
    principal = getattr(request.state, "principal", None)
    who = principal.user_id if principal else "anonymous"
    return f"{who}:{request.method}:{request.url.path}"[:300]


async def idempotent_create(
    request: Request,
    session: AsyncSession,
    body: Any,
    create: Callable[[], Awaitable[Any]],
    *,
    status_code: int = 201,
) -> JSONResponse:
    """Run ``create`` (which adds rows to ``session`` without committing), store the answer
    under the request's Idempotency-Key if any, commit, and answer."""
    key = request.headers.get(HEADER)
    body_hash = hashlib.sha256(
        json.dumps(jsonable_encoder(body), sort_keys=True).encode()
    ).hexdigest()
    if key:
        if len(key) > 200:
            raise Invalid("Idempotency-Key is longer than 200 characters", field=HEADER)
        stored = await session.get(IdempotencyKey, (_scope(request), key))
        if stored is not None:
            if stored.request_hash != body_hash:
                raise Invalid(
                    "Idempotency-Key was already used with a different body", field=HEADER
                )
            return JSONResponse(
                json.loads(stored.response_body),
                status_code=stored.status_code,
                headers={"Idempotent-Replayed": "true"},
            )
    result = jsonable_encoder(await create())
    if key:
        session.add(
            IdempotencyKey(
                scope=_scope(request),
                key=key,
                request_hash=body_hash,
                status_code=status_code,
                response_body=json.dumps(result),
            )
        )
    await session.commit()
    return JSONResponse(result, status_code=status_code)
