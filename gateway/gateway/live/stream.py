"""The SSE stream of one listener (``/api/live`` with a bearer token; the portal's ``/live``
with its session)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import Request
from fastapi.responses import StreamingResponse

from gateway.live.hub import LiveEvent, LiveHub
from propops.auth import Principal, Unauthorized

KEEPALIVE_SECONDS = 15.0
SIGNED_OUT = "event: signed-out\ndata: {}\n\n"  # the page goes back to sign-in


async def _still_active(request: Request, principal: Principal) -> bool:
    """A deactivated user's stream ends too (checked as every request is, cached briefly)."""
    from gateway.users.service import check_principal

    try:
        await check_principal(request, principal)
    except Unauthorized:
        return False
    return True


async def _events(request: Request, hub: LiveHub, principal: Principal) -> AsyncIterator[str]:
    queue = hub.listen(principal)
    try:
        yield "retry: 2000\nevent: ready\ndata: {}\n\n"
        while True:
            try:
                ev: LiveEvent | None = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                if await request.is_disconnected():
                    return
                ev = None
            if not await _still_active(request, principal):
                yield SIGNED_OUT
                return
            yield ev.sse() if ev is not None else ": keepalive\n\n"
    finally:
        hub.leave(queue)


def sse_response(request: Request, principal: Principal) -> StreamingResponse:
    hub: LiveHub = request.app.state.live_hub
    return StreamingResponse(
        _events(request, hub, principal),
        media_type="text/event-stream",
        headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
    )
