"""A limit on request bodies, for every service and the gateway (ASGI middleware).

A body announced (``Content-Length``) or streamed past ``max_bytes`` answers 413 problem+json;
a body that stops arriving for ``read_timeout`` seconds answers 408 and the connection is closed,
so a slow or stalled client cannot hold a worker. A few routes named exactly by method and path
(``larger``: an upload route, e.g. the front desk's documents) take a larger limit of their
own; every other route keeps ``max_bytes``. Once the whole body has arrived, ``receive`` is
passed through untouched (a streaming response may wait on it for the client's disconnect).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from propops.errors import caller_path, problem


class BodyLimitExceeded(HTTPException):
    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"request body larger than {max_bytes} bytes")


class BodyReadTimeout(HTTPException):
    def __init__(self, seconds: float) -> None:
        super().__init__(
            408, f"request body not received within {seconds:g} s", {"Connection": "close"}
        )


class BodyLimit:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        read_timeout: float,
        larger: Mapping[tuple[str, str], int] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.read_timeout = read_timeout
        self.larger = dict(larger or {})

    def limit_of(self, scope: Scope) -> int:
        """The route's own limit if it is one of ``larger`` (method, exact path), else
        ``max_bytes``."""
        return self.larger.get((scope.get("method", ""), scope.get("path", "")), self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.limit_of(scope)
        declared = _content_length(scope)
        if declared is not None and declared > max_bytes:
            await self._answer(scope, send, BodyLimitExceeded(max_bytes))
            return
        received = 0
        complete = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, complete
            if complete:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.read_timeout)
            except TimeoutError:
                raise BodyReadTimeout(self.read_timeout) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise BodyLimitExceeded(max_bytes)
                complete = not message.get("more_body", False)
            else:
                complete = True
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except (BodyLimitExceeded, BodyReadTimeout) as exc:
            # raised where no problem handler answers it (e.g. in a middleware)
            if started:
                raise
            await self._answer(scope, send, exc)

    async def _answer(self, scope: Scope, send: Send, exc: HTTPException) -> None:
        request = Request(scope)
        response = problem(
            exc.status_code,
            str(exc.detail),
            instance=caller_path(request),
            headers={"Connection": "close"},
        )
        await response(scope, _no_receive, send)


async def _no_receive() -> dict[str, Any]:
    return {"type": "http.disconnect"}


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
