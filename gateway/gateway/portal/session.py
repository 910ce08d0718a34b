"""The portal's session and CSRF protection.

- ``propops_session``: the user's API token (the gateway's JWT) in an HttpOnly, SameSite=Lax
  cookie; it expires with the token. The portal calls the API with it, so the user's rights are
  the API's.
- ``propops_csrf``: a random value in an HttpOnly, SameSite=Strict cookie. Every form carries
  ``csrf_token`` = HMAC(secret, that value) (htmx sends it as the ``X-CSRF-Token`` header); a
  write without the right one is refused (403).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request, Response

SESSION_COOKIE = "propops_session"
CSRF_COOKIE = "propops_csrf"
LANGUAGE_COOKIE = "propops_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class CsrfError(Exception):
    """A portal write whose CSRF token is missing or wrong."""


def _secret(request: Request) -> bytes:
    return request.app.state.settings.jwt_secret.encode()


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def csrf_seed(request: Request) -> str:
    """This browser's CSRF cookie value (a new one, set on the response by ``remember_csrf``)."""
    seed = request.cookies.get(CSRF_COOKIE)
    if not seed:
        seed = getattr(request.state, "csrf_seed", None) or secrets.token_urlsafe(24)
        request.state.csrf_seed = seed
    return seed


def csrf_token(request: Request) -> str:
    seed = csrf_seed(request)
    return hmac.new(_secret(request), f"csrf:{seed}".encode(), hashlib.sha256).hexdigest()


def remember_csrf(request: Request, response: Response) -> None:
    seed = getattr(request.state, "csrf_seed", None)
    if seed and not request.cookies.get(CSRF_COOKIE):
        response.set_cookie(
            CSRF_COOKIE, seed, httponly=True, samesite="strict", secure=_secure(request), path="/"
        )


async def check_csrf(request: Request) -> None:
    """Raise ``CsrfError`` unless the request carries this browser's CSRF token."""
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not request.cookies.get(CSRF_COOKIE):
        raise CsrfError("missing CSRF token")
    if not hmac.compare_digest(sent, csrf_token(request)):
        raise CsrfError("wrong CSRF token")


def session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def start_session(request: Request, response: Response, token: str, max_age: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )


def end_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def safe_next(value: str | None, default: str = "/") -> str:
    """Only a local path may be a ``next``: no scheme, no host, no ``//``, no backslash."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value
