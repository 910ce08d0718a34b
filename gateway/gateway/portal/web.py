"""What every portal page uses: the signed-in user (``page_user`` / ``form_user``), the
``render`` helper, and the form-error helper."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from gateway.portal import i18n, labels, nav, preferences, session
from gateway.portal.client import Api, ApiError, SignInRequired
from gateway.portal.errors import ERROR_MESSAGES as ERROR_MESSAGES  # the catalog, re-exported
from gateway.portal.errors import problem_message, translate_error
from propops.auth import Principal, Unauthorized, decode_token

TEMPLATES = Path(__file__).parent / "templates"

env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=jinja2.select_autoescape(["html", "xml"]),
    undefined=jinja2.ChainableUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass
class PortalUser:
    principal: Principal
    token: str
    language: str
    api: Api

    @property
    def roles(self) -> frozenset[str]:
        return self.principal.roles

    def has(self, *roles: str) -> bool:
        """True when the user has one of ``roles`` (admin has every role)."""
        return self.principal.is_admin or bool(self.principal.roles & set(roles))

    def may_write(self, service: str) -> bool:
        return self.principal.is_admin or service in self.principal.roles


@dataclass
class FormState:
    """What a form shows again after the API refused it: the values typed, and errors by field."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""

    @classmethod
    def from_error(
        cls,
        exc: ApiError,
        values: dict[str, Any],
        fm: i18n.Formatter,
        fields: tuple[str, ...] = (),
    ) -> FormState:
        """Errors of the form's own fields (those sent, plus ``fields``: radios and checkboxes a
        browser leaves out when empty) go next to them; any other (a state conflict naming
        ``status``, a stale ``If-Match``) becomes the form's message, so none is lost."""
        shown = set(values) | set(fields)
        errors: dict[str, str] = {}
        others: list[str] = []
        # a wrong state (409) or a stale version (412): told from the problem's members
        composed = problem_message(fm, exc.status, exc.problem)

        def say(text: str) -> str:
            if composed is not None and text == exc.detail:
                return composed
            return translate_error(fm, text, exc.status)

        for name, text in exc.field_errors().items():
            if name in shown:
                errors[name] = say(text)
            else:
                others.append(say(text))
        if not errors and not others:
            others.append(composed or translate_error(fm, exc.detail, exc.status))
        return cls(values=values, errors=errors, message=" ".join(dict.fromkeys(others)))


def _principal(request: Request) -> tuple[Principal, str]:
    token = session.session_token(request)
    if not token:
        raise SignInRequired("no session")
    try:
        return decode_token(request.app.state.settings, token), token
    except Unauthorized as exc:
        raise SignInRequired(exc.detail) from exc


async def page_user(request: Request) -> PortalUser:
    """The signed-in user of a page; otherwise back to sign-in with the page remembered."""
    principal, token = _principal(request)
    from gateway.users.service import check_principal

    try:
        await check_principal(request, principal)
    except Unauthorized as exc:
        raise SignInRequired(exc.detail) from exc
    language = await preferences.language_of(request.app, principal.user_id)
    if language is None:
        language = i18n.normalize(request.cookies.get(session.LANGUAGE_COOKIE))
    user = PortalUser(principal, token, language, Api(request.app, token))
    request.state.portal_user = user
    return user


async def form_user(request: Request, user: PortalUser = Depends(page_user)) -> PortalUser:
    """``page_user`` for writes: the CSRF token must be right."""
    await session.check_csrf(request)
    return user


def language_of(request: Request) -> str:
    user: PortalUser | None = getattr(request.state, "portal_user", None)
    if user is not None:
        return user.language
    return i18n.normalize(request.cookies.get(session.LANGUAGE_COOKIE))


def formatter(request: Request) -> i18n.Formatter:
    return i18n.Formatter(language_of(request), request.app.state.settings.portal_time_zone)


def render(
    request: Request,
    template: str,
    ctx: dict[str, Any] | None = None,
    *,
    status: int = 200,
    nav_key: str = "",
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render ``template`` with the portal's context: ``_`` (gettext), ``fm`` (dates, money),
    ``label``/``choices``/``tone`` (labels), ``user``, ``nav``, ``csrf_token``, ``lang``."""
    fm = formatter(request)
    user: PortalUser | None = getattr(request.state, "portal_user", None)
    _ = fm.gettext
    context: dict[str, Any] = {
        "request": request,
        "_": _,
        "ngettext": fm.ngettext,
        "fm": fm,
        "lang": fm.language,
        "languages": i18n.LANGUAGES,
        "label": lambda group, value: labels.label(_, group, value),
        "choices": lambda group: labels.choices(_, group),
        "tone": labels.tone,
        "user": user,
        "nav_items": nav.visible(user.roles) if user else [],
        "nav_key": nav_key,
        "csrf_token": session.csrf_token(request),
        "current_path": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "htmx": request.headers.get("hx-request") == "true",
        "form": FormState(),
    }
    context.update(ctx or {})
    html = env.get_template(template).render(context)
    response = HTMLResponse(html, status_code=status, headers=headers)
    session.remember_csrf(request, response)
    return response


def redirect(request: Request, url: str) -> Response:
    """A redirect after a POST; for htmx an ``HX-Redirect`` so the whole page follows."""
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def sign_in_url(request: Request) -> str:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        here = request.headers.get("hx-current-url") or request.headers.get("referer") or "/"
        here = "/" + here.split("://", 1)[-1].split("/", 1)[-1] if "://" in here else here
    return f"/signin?next={quote(session.safe_next(here), safe='/')}"
