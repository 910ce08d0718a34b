"""Cleaning (保潔部): the areas of each property; an area's page (its schedules, hygiene checks and
tasks, with the forms to add a schedule and record a check); all schedules with today's tasks
they made (opened on the department's task pages); hygiene checks. The greening contractor's
pages are in ``greening.py``."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal import lookups, nav
from gateway.portal.client import ApiError, Forbidden
from gateway.portal.i18n import N_
from gateway.portal.nav import NavItem
from gateway.portal.routes.desk import _params_fn
from gateway.portal.web import (
    FormState,
    PortalUser,
    form_user,
    formatter,
    page_user,
    redirect,
    render,
)
from propops.timezones import today_in

router = APIRouter()
CLEANING = "/api/cleaning/v1"
READERS = frozenset({"cleaning", "manager"})

TASKS = f"{CLEANING}/tasks"

nav.add(NavItem("cleaning_areas", "/cleaning/areas", N_("Cleaning areas"), READERS, 21, "pin"))
nav.add(
    NavItem(
        "cleaning_schedules",
        "/cleaning/schedules",
        N_("Cleaning schedules"),
        READERS,
        22,
        "calendar",
    )
)
nav.add(
    NavItem("cleaning_hygiene", "/cleaning/hygiene", N_("Hygiene checks"), READERS, 23, "clipboard")
)


def require_cleaning(user: PortalUser, write: bool = False) -> None:
    ok = user.may_write("cleaning") if write else user.has("cleaning", "manager")
    if not ok:
        raise Forbidden(403, {"detail": "cleaning only"})


def form_values(form: Any) -> dict[str, str]:
    return {k: str(v).strip() for k, v in form.items() if k != "csrf_token"}


async def property_choices(user: PortalUser) -> list[tuple[str, str]]:
    """The properties a cleaning form may name: the register's (when the user may read it),
    those of the areas already registered, and the user's own; by name where known."""
    props, areas = await asyncio.gather(
        lookups.properties(user.api), user.api.get(f"{CLEANING}/areas", limit=500)
    )
    ids = {*props, *(a["property_id"] for a in areas["items"]), *user.principal.property_ids}
    named = [(pid, props[pid]["name"] if pid in props else pid) for pid in ids]
    return sorted(named, key=lambda choice: choice[1])


async def area_choices(user: PortalUser) -> list[tuple[str, str]]:
    areas = await user.api.get(f"{CLEANING}/areas", limit=500)
    return [(a["id"], f"{a['code']} · {a['name']}") for a in areas["items"]]


async def _areas_context(request: Request, user: PortalUser) -> dict[str, Any]:
    q = request.query_params
    filters = {"kind": q.get("kind", ""), "q": q.get("q", "").strip()}
    offset = int(q.get("offset", "0")) if q.get("offset", "0").isdigit() else 0
    page, props, choices = await asyncio.gather(
        user.api.get(f"{CLEANING}/areas", limit=50, offset=offset, **filters),
        lookups.properties(user.api),
        property_choices(user),
    )
    return {
        "page": page,
        "props": props,
        "property_choices": choices,
        "filters": filters,
        "params": _params_fn(filters),
    }


@router.get("/cleaning/areas")
async def areas(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    require_cleaning(user)
    ctx = await _areas_context(request, user)
    ctx["flash"] = request.query_params.get("added", "")
    return render(request, "cleaning/areas.html", ctx, nav_key="cleaning_areas")


@router.post("/cleaning/areas")
async def add_area(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    require_cleaning(user, write=True)
    values = form_values(await request.form())
    body = {k: values.get(k, "") for k in ("property_id", "code", "name", "kind")}
    try:
        await user.api.post(f"{CLEANING}/areas", body)
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        ctx = await _areas_context(request, user)
        ctx["form"] = FormState.from_error(exc, values, formatter(request))
        return render(request, "cleaning/areas.html", ctx, status=422, nav_key="cleaning_areas")
    return redirect(request, "/cleaning/areas?added=1")


# --- an area: its schedules, hygiene checks and tasks -----------------------------------------


async def _area_context(user: PortalUser, area_id: str) -> dict[str, Any]:
    area = await user.api.get(f"{CLEANING}/areas/{area_id}")
    schedules, checks, tasks, props = await asyncio.gather(
        user.api.get(f"{CLEANING}/schedules", area_id=area_id, limit=100),
        user.api.get(f"{CLEANING}/hygiene-checks", area_id=area_id, limit=10),
        user.api.get(TASKS, asset_id=area_id, limit=10),
        lookups.properties(user.api),
    )
    return {
        "area": area,
        "schedules": schedules,
        "checks": checks,
        "tasks": tasks,
        "props": props,
        "schedule_form": FormState(),
        "check_form": FormState(),
    }


@router.get("/cleaning/areas/{area_id}")
async def area_page(
    request: Request, area_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    require_cleaning(user)
    ctx = await _area_context(user, area_id)
    ctx["flash"] = request.query_params.get("done", "")
    return render(request, "cleaning/area.html", ctx, nav_key="cleaning_areas")


def schedule_body(values: dict[str, str]) -> dict[str, Any]:
    return {
        "area_id": values.get("area_id", ""),
        "task": values.get("task", ""),
        "rrule": values.get("rrule", ""),
        "assignee": values.get("assignee") or None,
        "starts_on": values.get("starts_on") or None,
    }


def check_body(values: dict[str, str]) -> dict[str, Any]:
    passed = values.get("passed", "")
    return {
        "area_id": values.get("area_id", ""),
        "passed": {"yes": True, "no": False}.get(passed, passed or None),
        "notes": values.get("notes") or None,
    }


@router.post("/cleaning/areas/{area_id}/schedules")
async def add_schedule(
    request: Request, area_id: str, user: PortalUser = Depends(form_user)
) -> Response:
    require_cleaning(user, write=True)
    values = {**form_values(await request.form()), "area_id": area_id}
    try:
        await user.api.post(f"{CLEANING}/schedules", schedule_body(values))
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        ctx = await _area_context(user, area_id)
        ctx["schedule_form"] = FormState.from_error(exc, values, formatter(request))
        return render(request, "cleaning/area.html", ctx, status=422, nav_key="cleaning_areas")
    return redirect(request, f"/cleaning/areas/{area_id}?done=schedule")


@router.post("/cleaning/areas/{area_id}/hygiene-checks")
async def check_area(
    request: Request, area_id: str, user: PortalUser = Depends(form_user)
) -> Response:
    require_cleaning(user, write=True)
    values = {**form_values(await request.form()), "area_id": area_id}
    try:
        check = await user.api.post(f"{CLEANING}/hygiene-checks", check_body(values))
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        ctx = await _area_context(user, area_id)
        ctx["check_form"] = FormState.from_error(
            exc, values, formatter(request), fields=("passed",)
        )
        return render(request, "cleaning/area.html", ctx, status=422, nav_key="cleaning_areas")
    done = "failed" if check["task_id"] else "passed"
    return redirect(request, f"/cleaning/areas/{area_id}?done={done}")


# --- schedules and today's tasks; hygiene checks -----------------------------------------------


@router.get("/cleaning/schedules")
async def schedules(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    require_cleaning(user)
    today = today_in(request.app.state.settings.portal_time_zone).isoformat()
    page, areas, generated = await asyncio.gather(
        user.api.get(f"{CLEANING}/schedules", limit=200),
        user.api.get(f"{CLEANING}/areas", limit=500),
        user.api.get(TASKS, kind="scheduled", sort="-created_at", limit=200),
    )
    todays = [t for t in generated["items"] if (t.get("source_key") or "").endswith(f":{today}")]
    ctx = {
        "page": page,
        "areas": {a["id"]: a for a in areas["items"]},
        "todays": todays,
        "today": today,
    }
    return render(request, "cleaning/schedules.html", ctx, nav_key="cleaning_schedules")


async def _hygiene_context(user: PortalUser, failed_only: bool) -> dict[str, Any]:
    checks, areas = await asyncio.gather(
        user.api.get(
            f"{CLEANING}/hygiene-checks", passed="false" if failed_only else None, limit=50
        ),
        user.api.get(f"{CLEANING}/areas", limit=500),
    )
    return {
        "checks": checks,
        "areas": {a["id"]: a for a in areas["items"]},
        "area_choices": [(a["id"], f"{a['code']} · {a['name']}") for a in areas["items"]],
        "failed_only": failed_only,
    }


@router.get("/cleaning/hygiene")
async def hygiene(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    require_cleaning(user)
    ctx = await _hygiene_context(user, request.query_params.get("failed") == "true")
    ctx["flash"] = request.query_params.get("done", "")
    return render(request, "cleaning/hygiene.html", ctx, nav_key="cleaning_hygiene")


@router.post("/cleaning/hygiene")
async def record_check(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    require_cleaning(user, write=True)
    values = form_values(await request.form())
    try:
        check = await user.api.post(f"{CLEANING}/hygiene-checks", check_body(values))
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        ctx = await _hygiene_context(user, False)
        ctx["form"] = FormState.from_error(exc, values, formatter(request), fields=("passed",))
        return render(request, "cleaning/hygiene.html", ctx, status=422, nav_key="cleaning_hygiene")
    return redirect(request, f"/cleaning/hygiene?done={'failed' if check['task_id'] else 'passed'}")
