"""Security (保安部): posts with the day's coverage, the roster, post checks and incidents.
Patrols are in ``patrols.py``; the desk's security alerts in ``security_alerts.py``."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal import lookups, nav
from gateway.portal.client import ApiError, Forbidden, new_idempotency_key
from gateway.portal.i18n import N_
from gateway.portal.nav import NavItem
from gateway.portal.web import (
    FormState,
    PortalUser,
    form_user,
    formatter,
    page_user,
    redirect,
    render,
)

router = APIRouter()
SEC = "/api/security/v1"
SECURITY = frozenset({"security", "manager"})
nav.add(NavItem("security", "/security", N_("Security"), SECURITY, 21, "shield"))

# the tabs of the security pages: (key, path, English label)
TABS: tuple[tuple[str, str, str], ...] = (
    ("posts", "/security", N_("Posts and coverage")),
    ("roster", "/security/roster", N_("Roster")),
    ("checks", "/security/post-checks", N_("Post checks")),
    ("patrols", "/security/patrols", N_("Patrols")),
    ("incidents", "/security/incidents", N_("Incidents")),
)


def require_security(user: PortalUser, write: bool = False) -> None:
    ok = user.may_write("security") if write else user.has("security", "manager")
    if not ok:
        raise Forbidden(403, {"detail": "security only"})


def form_values(form: Any) -> dict[str, str]:
    return {k: str(v).strip() for k, v in form.items() if k != "csrf_token"}


def local_instant(request: Request, day: str, clock: str) -> str:
    """A date and a time typed in the portal's time zone, as ISO 8601 (what the API reads);
    unreadable input goes as typed, for the API to name the field."""
    try:
        tz = ZoneInfo(request.app.state.settings.portal_time_zone)
        return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), tz).isoformat()
    except ValueError:
        return f"{day}T{clock}"


async def property_choices(
    user: PortalUser, *known: list[dict[str, Any]]
) -> tuple[dict[str, dict[str, Any]], list[tuple[str, str]]]:
    """The properties the user can pick: those of the register the user sees, of their own
    scope, and of the records listed (a security user may not read the register)."""
    props, posts, routes = await asyncio.gather(
        lookups.properties(user.api),
        user.api.get(f"{SEC}/posts", limit=200),
        user.api.get(f"{SEC}/patrol-routes", limit=200),
    )
    ids = dict.fromkeys([*props, *sorted(user.principal.property_ids)])
    for items in (*known, posts["items"], routes["items"]):
        ids.update(dict.fromkeys(i["property_id"] for i in items))
    return props, [(pid, props[pid]["name"] if pid in props else pid) for pid in ids]


def chosen(request: Request, options: list[tuple[str, str]]) -> str:
    wanted = request.query_params.get("property_id", "")
    if wanted and (wanted in dict(options) or not options):
        return wanted
    return options[0][0] if options else wanted


def base_context(
    tab: str, props: dict[str, Any], options: list[tuple[str, str]], property_id: str
) -> dict[str, Any]:
    return {
        "tabs": TABS,
        "tab": tab,
        "props": props,
        "property_options": options,
        "property_id": property_id,
    }


# --- posts and coverage ----------------------------------------------------------------------


async def _posts_context(request: Request, user: PortalUser) -> dict[str, Any]:
    posts = await user.api.get(f"{SEC}/posts", limit=200)
    props, options = await property_choices(user, posts["items"])
    property_id = chosen(request, options)
    day = request.query_params.get("date", "")
    coverage = None
    if property_id:
        params = {"property_id": property_id, **({"date": day} if day else {})}
        coverage = await user.api.get(f"{SEC}/posts/coverage", **params)
    ctx = base_context("posts", props, options, property_id)
    ctx.update(
        coverage=coverage,
        day=day,
        hour_marks=list(range(0, 25, 6)),
        idem=new_idempotency_key(),
        form=FormState(values={"kind": "gate", "from": "08:00", "to": "20:00"}),
    )
    return ctx


def bar_segments(post: dict[str, Any]) -> list[dict[str, Any]]:
    """Each stretch of a post's day as a share of its opening hours (for the coverage bar)."""
    stretches = post["stretches"]
    total = sum(s["minutes"] for s in stretches) or 1
    return [{**s, "share": 100 * s["minutes"] / total} for s in stretches]


@router.get("/security")
async def posts_page(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    require_security(user)
    ctx = await _posts_context(request, user)
    ctx["bar_segments"] = bar_segments
    return render(request, "security/posts.html", ctx, nav_key="security")


@router.post("/security/posts")
async def add_post(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    require_security(user, write=True)
    values = form_values(await request.form())
    body = {
        "property_id": values.get("property_id", ""),
        "code": values.get("code", ""),
        "name": values.get("name", ""),
        "kind": values.get("kind", ""),
        "hours": [{"from": values.get("from", ""), "to": values.get("to", "")}],
        "time_zone": request.app.state.settings.portal_time_zone,
    }
    try:
        await user.api.post(f"{SEC}/posts", body, idempotency_key=values.get("idempotency_key"))
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        ctx = await _posts_context(request, user)
        ctx["bar_segments"] = bar_segments
        ctx["form"] = FormState.from_error(exc, values, formatter(request))
        return render(request, "security/posts.html", ctx, status=422, nav_key="security")
    return redirect(request, f"/security?property_id={body['property_id']}")


# --- the roster ------------------------------------------------------------------------------


async def _roster_context(request: Request, user: PortalUser) -> dict[str, Any]:
    fm = formatter(request)
    raw = request.query_params.get("date", "")
    try:
        day = date.fromisoformat(raw) if raw else fm.today()
    except ValueError:
        day = fm.today()
    start = datetime.combine(day, time(0), fm.tz)
    posts = await user.api.get(f"{SEC}/posts", limit=200)
    props, options = await property_choices(user, posts["items"])
    property_id = chosen(request, options)
    shifts = await user.api.get(
        f"{SEC}/shifts",
        property_id=property_id,
        ends_after=start.isoformat(),
        starts_before=(start + timedelta(days=1)).isoformat(),
        limit=200,
    )
    ctx = base_context("roster", props, options, property_id)
    ctx.update(
        day=day,
        prev_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
        posts=[p for p in posts["items"] if p["property_id"] == property_id],
        post_names={p["id"]: f"{p['code']} {p['name']}" for p in posts["items"]},
        shifts=shifts,
        idem=new_idempotency_key(),
        form=FormState(values={"day": day.isoformat(), "start": "08:00", "end": "20:00"}),
    )
    return ctx


@router.get("/security/roster")
async def roster(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    require_security(user)
    ctx = await _roster_context(request, user)
    return render(request, "security/roster.html", ctx, nav_key="security")


@router.post("/security/shifts")
async def add_shift(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    require_security(user, write=True)
    values = form_values(await request.form())
    day = values.get("day", "")
    start = local_instant(request, day, values.get("start", ""))
    end = local_instant(request, day, values.get("end", ""))
    if values.get("start", "") and values.get("end", "") and values["end"] <= values["start"]:
        # a night shift ends the next day
        try:
            end = (datetime.fromisoformat(end) + timedelta(days=1)).isoformat()
        except ValueError:
            pass
    body = {
        "post_id": values.get("post_id", ""),
        "guard": values.get("guard", ""),
        "start": start,
        "end": end,
    }
    try:
        await user.api.post(
            f"{SEC}/shifts", body, idempotency_key=values.get("idempotency_key") or None
        )
    except ApiError as exc:
        if exc.status == 403:
            raise
        ctx = await _roster_context(request, user)
        ctx["form"] = FormState.from_error(exc, values, formatter(request))
        return render(request, "security/roster.html", ctx, status=422, nav_key="security")
    return redirect(
        request, f"/security/roster?property_id={values.get('property_id', '')}&date={day}"
    )


# --- post checks -----------------------------------------------------------------------------


async def _checks_context(request: Request, user: PortalUser) -> dict[str, Any]:
    posts, checks = await asyncio.gather(
        user.api.get(f"{SEC}/posts", limit=200),
        user.api.get(f"{SEC}/post-checks", limit=50),
    )
    props, options = await property_choices(user, posts["items"])
    ctx = base_context("checks", props, options, chosen(request, options))
    ctx.update(
        posts=posts["items"],
        post_names={p["id"]: f"{p['code']} {p['name']}" for p in posts["items"]},
        checks=checks,
        idem=new_idempotency_key(),
        form=FormState(values={"present": "on", "dressed": "on", "alert": "on"}),
        saved=request.query_params.get("saved", ""),
    )
    return ctx


@router.get("/security/post-checks")
async def post_checks(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    require_security(user)
    ctx = await _checks_context(request, user)
    return render(request, "security/post_checks.html", ctx, nav_key="security")


@router.post("/security/post-checks")
async def record_check(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    require_security(user, write=True)
    values = form_values(await request.form())
    body = {
        "post_id": values.get("post_id", ""),
        "present": values.get("present") == "on",
        "dressed": values.get("dressed") == "on",
        "alert": values.get("alert") == "on",
        "notes": values.get("notes") or None,
    }
    try:
        check = await user.api.post(
            f"{SEC}/post-checks", body, idempotency_key=values.get("idempotency_key") or None
        )
    except ApiError as exc:
        if exc.status == 403:
            raise
        ctx = await _checks_context(request, user)
        ctx["form"] = FormState.from_error(exc, values, formatter(request))
        return render(request, "security/post_checks.html", ctx, status=422, nav_key="security")
    outcome = "passed" if check["passed"] else "failed"
    return redirect(request, f"/security/post-checks?saved={outcome}")


# --- incidents -------------------------------------------------------------------------------


async def _incidents_context(request: Request, user: PortalUser) -> dict[str, Any]:
    severity = request.query_params.get("severity", "")
    params: dict[str, Any] = {"limit": 50, **({"severity": severity} if severity else {})}
    incidents = await user.api.get(f"{SEC}/incidents", **params)
    props, options = await property_choices(user, incidents["items"])
    ctx = base_context("incidents", props, options, chosen(request, options))
    ctx.update(
        incidents=incidents,
        severity=severity,
        idem=new_idempotency_key(),
        form=FormState(values={"severity": "medium", "kind": "suspicious"}),
        saved=request.query_params.get("saved", ""),
    )
    return ctx


@router.get("/security/incidents")
async def incidents(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    require_security(user)
    ctx = await _incidents_context(request, user)
    return render(request, "security/incidents.html", ctx, nav_key="security")


@router.post("/security/incidents")
async def report_incident(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    require_security(user, write=True)
    values = form_values(await request.form())
    body = {
        "property_id": values.get("property_id", ""),
        "kind": values.get("kind", ""),
        "location": values.get("location", ""),
        "description": values.get("description", ""),
        "severity": values.get("severity", ""),
        "time_zone": request.app.state.settings.portal_time_zone,
    }
    try:
        incident = await user.api.post(
            f"{SEC}/incidents", body, idempotency_key=values.get("idempotency_key") or None
        )
    except ApiError as exc:
        if exc.status == 403:
            raise
        ctx = await _incidents_context(request, user)
        ctx["form"] = FormState.from_error(exc, values, formatter(request))
        return render(request, "security/incidents.html", ctx, status=422, nav_key="security")
    return redirect(request, f"/security/incidents?saved={incident['reference']}")
