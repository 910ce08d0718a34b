"""Sign-in, sign-out, the language switch, the landing page and the PWA manifest."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from gateway.portal import i18n, nav, preferences, session
from gateway.portal.client import Api, ApiError
from gateway.portal.errors import translate_error
from gateway.portal.web import FormState, PortalUser, formatter, page_user, render
from propops.auth import Principal, decode_token

router = APIRouter()


@router.get("/")
async def home(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    return RedirectResponse(nav.home_path(user.roles), status_code=303)


@router.get("/signin")
async def signin_page(request: Request, next: str = "/") -> Response:
    return render(request, "signin.html", {"next": session.safe_next(next)})


@router.post("/signin")
async def signin(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    await session.check_csrf(request)
    target = session.safe_next(next)
    fm = formatter(request)
    values = {"username": username}
    errors = {}
    if not username.strip():
        errors["username"] = fm.gettext("Enter your user name.")
    if not password:
        errors["password"] = fm.gettext("Enter your password.")
    if errors:
        form = FormState(values, errors)
        return render(request, "signin.html", {"next": target, "form": form}, status=422)
    try:
        r = await Api(request.app, None).request(
            "POST", "/api/auth/token", data={"username": username, "password": password}
        )
    except Exception as exc:  # noqa: BLE001 - 401 (wrong password) or any refusal: say so
        detail = exc.detail if isinstance(exc, ApiError) else str(exc)
        form = FormState(values, {"password": fm.gettext("Wrong user name or password.")})
        form.message = "" if "password" in detail else translate_error(fm, detail)
        return render(request, "signin.html", {"next": target, "form": form}, status=401)
    token = r.json()
    principal = session_principal(request, token["access_token"])
    if target == "/":
        target = nav.home_path(principal.roles)
    response = RedirectResponse(target, status_code=303)
    session.start_session(request, response, token["access_token"], int(token["expires_in"]))
    return response


def session_principal(request: Request, token: str) -> Principal:
    return decode_token(request.app.state.settings, token)


@router.post("/signout")
async def signout(request: Request) -> Response:
    await session.check_csrf(request)
    response = RedirectResponse("/signin", status_code=303)
    session.end_session(response)
    return response


@router.post("/language")
async def switch_language(
    request: Request,
    language: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Remembered per user (server-side) when signed in; on the sign-in page, in a cookie."""
    await session.check_csrf(request)
    language = i18n.normalize(language)
    if session.session_token(request):
        user = await page_user(request)
        await preferences.set_language(request.app, user.principal.user_id, language)
    response = RedirectResponse(session.safe_next(next), status_code=303)
    response.set_cookie(
        session.LANGUAGE_COOKIE, language, max_age=365 * 86400, samesite="lax", path="/"
    )
    return response


@router.get("/account")
async def account(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    me = await user.api.get("/api/me")
    return render(request, "account.html", {"me": me}, nav_key="account")


@router.get("/manifest.webmanifest")
async def manifest(request: Request) -> Response:
    fm = formatter(request)
    return JSONResponse(
        {
            "name": fm.gettext("PropOps management office"),
            "short_name": "PropOps",
            "lang": fm.language,
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#f5f6f8",
            "theme_color": "#0f4c5c",
            "icons": [
                {"src": "/static/icons/icon.svg", "sizes": "any", "type": "image/svg+xml"},
                {"src": "/static/icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
                {"src": "/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png"},
            ],
        },
        media_type="application/manifest+json",
    )
