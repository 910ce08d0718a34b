"""Cleaning (保潔部): the areas of each property; the area page with its schedules and hygiene
checks. The greening contractor's pages are in ``greening.py``."""

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

router = APIRouter()
CLEANING = "/api/cleaning/v1"
READERS = frozenset({"cleaning", "manager"})

nav.add(NavItem("cleaning_areas", "/cleaning/areas", N_("Cleaning areas"), READERS, 21, "pin"))


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
