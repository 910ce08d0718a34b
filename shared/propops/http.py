"""HTTP client settings every PropOps client shares.

uvicorn closes a connection that has been idle for 5 s (its default ``timeout_keep_alive``). A
client that keeps idle connections longer (httpx's default expiry is also 5 s) may send a request
on one just as the server closes it, and gets "Server disconnected without sending a response":
a request lost to a race, seen under load when a caller polls every few seconds. Our clients let
idle connections go well before the server does.
"""

from __future__ import annotations

import httpx

KEEPALIVE_EXPIRY_SECONDS = 2.0


def client_limits(
    max_connections: int | None = 100, max_keepalive_connections: int | None = 20
) -> httpx.Limits:
    return httpx.Limits(
        max_connections=max_connections,
        max_keepalive_connections=max_keepalive_connections,
        keepalive_expiry=KEEPALIVE_EXPIRY_SECONDS,
    )
