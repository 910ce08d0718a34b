"""The SSE stream of one listener (``/api/live`` with a bearer token; the portal's ``/live``
with its session)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import Request
from fastapi.responses import StreamingResponse

from gateway.live.hub import LiveHub
from propops.auth import Principal

KEEPALIVE_SECONDS = 15.0


async def _events(request: Request, hub: LiveHub, principal: Principal) -> AsyncIterator[str]:
    queue = hub.listen(principal)
    try:
        yield "retry: 2000\nevent: ready\ndata: {}\n\n"
        while True:
            try:
                ev = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                if await request.is_disconnected():
                    return
                yield ": keepalive\n\n"
                continue
            yield ev.sse()
    finally:
        hub.leave(queue)


def sse_response(request: Request, principal: Principal) -> StreamingResponse:
    hub: LiveHub = request.app.state.live_hub
    return StreamingResponse(
        _events(request, hub, principal),
        media_type="text/event-stream",
        headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
    )
