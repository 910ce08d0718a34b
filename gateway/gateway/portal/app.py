"""Puts the portal into the gateway app: static files, every route module in ``routes/``, and
the handlers that turn "sign in again" / "not allowed" / "not found" into pages."""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from gateway.portal import routes
from gateway.portal.client import Forbidden, NotFoundError, SignInRequired
from gateway.portal.session import CsrfError, end_session
from gateway.portal.web import TEMPLATES, redirect, render, sign_in_url

STATIC = TEMPLATES.parent / "static"


def route_modules() -> list[str]:
    """Every module of ``gateway/portal/routes/`` (each defines ``router``), in name order."""
    return sorted(m.name for m in pkgutil.iter_modules(routes.__path__))


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC), name="portal-static")
    for name in route_modules():
        module = importlib.import_module(f"{routes.__name__}.{name}")
        app.include_router(module.router, include_in_schema=False)

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> Response:
        response = redirect(request, sign_in_url(request))
        end_session(response)
        return response

    @app.exception_handler(CsrfError)
    async def _csrf(request: Request, exc: CsrfError) -> Response:
        return render(request, "error.html", {"code": 403, "reason": "csrf"}, status=403)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return render(request, "error.html", {"code": 403, "reason": "forbidden"}, status=403)

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError) -> Response:
        return render(request, "error.html", {"code": 404, "reason": "not_found"}, status=404)
