"""Greening (綠化): the landscaping contractors and their jobs, with progress bars, late marks
and the progress history of a job."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal import lookups, nav
from gateway.portal.client import ApiError, new_idempotency_key
from gateway.portal.i18n import N_
from gateway.portal.nav import NavItem
from gateway.portal.routes.cleaning import (
    CLEANING,
    READERS,
    area_choices,
    form_values,
    property_choices,
    require_cleaning,
)
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

nav.add(NavItem("greening", "/greening", N_("Greening"), READERS, 24, "leaf"))

JOB_FIELDS = (
    "property_id",
    "contractor_id",
    "kind",
    "area_id",
    "description",
    "start_date",
    "expected_finish",
)


async def _greening_context(request: Request, user: PortalUser) -> dict[str, Any]:
    q = request.query_params
    filters = {
        "late": "true" if q.get("late") == "true" else "",
        "status": q.get("status", "") if q.get("status") in ("active", "completed") else "",
        "contractor_id": q.get("contractor_id", ""),
    }
    offset = int(q.get("offset", "0")) if q.get("offset", "0").isdigit() else 0
    jobs, contractors, late, props = await asyncio.gather(
        user.api.get(f"{CLEANING}/greening-jobs", limit=25, offset=offset, **filters),
        user.api.get(f"{CLEANING}/contractors", limit=200),
        user.api.get(f"{CLEANING}/greening-jobs", late="true", limit=1),
        lookups.properties(user.api),
    )
    ctx: dict[str, Any] = {
        "jobs": jobs,
        "contractors": contractors["items"],
        "contractor_choices": [(c["id"], c["name"]) for c in contractors["items"]],
        "late_count": late["total"],
        "props": props,
        "filters": filters,
        "params": _params_fn(filters),
        "idem": new_idempotency_key(),
        "contractor_form": FormState(),
    }
    if user.may_write("cleaning"):
        choices, areas = await asyncio.gather(property_choices(user), area_choices(user))
        ctx["property_choices"] = choices
        ctx["area_choices"] = areas
    return ctx


@router.get("/greening")
async def greening(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    require_cleaning(user)
    ctx = await _greening_context(request, user)
    ctx["flash"] = request.query_params.get("added", "")
    return render(request, "cleaning/greening.html", ctx, nav_key="greening")


@router.post("/greening/contractors")
async def add_contractor(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    require_cleaning(user, write=True)
    values = form_values(await request.form())
    body = {k: values.get(k, "") for k in ("name", "phone", "scope")}
    try:
        await user.api.post(
            f"{CLEANING}/contractors", body, idempotency_key=values.get("idempotency_key") or None
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        ctx = await _greening_context(request, user)
        ctx["contractor_form"] = FormState.from_error(exc, values, formatter(request))
        return render(request, "cleaning/greening.html", ctx, status=422, nav_key="greening")
    return redirect(request, "/greening?added=contractor")


@router.post("/greening/jobs")
async def add_job(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    require_cleaning(user, write=True)
    values = form_values(await request.form())
    body: dict[str, Any] = {k: values.get(k, "") for k in JOB_FIELDS}
    body["area_id"] = body["area_id"] or None
    try:
        job = await user.api.post(
            f"{CLEANING}/greening-jobs",
            body,
            idempotency_key=values.get("idempotency_key") or None,
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        ctx = await _greening_context(request, user)
        ctx["form"] = FormState.from_error(exc, values, formatter(request))
        return render(request, "cleaning/greening.html", ctx, status=422, nav_key="greening")
    return redirect(request, f"/greening/jobs/{job['id']}")


async def _job_context(user: PortalUser, job_id: str) -> dict[str, Any]:
    job, props = await asyncio.gather(
        user.api.get(f"{CLEANING}/greening-jobs/{job_id}"), lookups.properties(user.api)
    )
    area = None
    if job["area_id"]:
        area = await user.api.get_or_none(f"{CLEANING}/areas/{job['area_id']}")
    return {"job": job, "area": area, "props": props}


@router.get("/greening/jobs/{job_id}")
async def job_page(
    request: Request, job_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    require_cleaning(user)
    ctx = await _job_context(user, job_id)
    return render(request, "cleaning/job.html", ctx, nav_key="greening")


@router.post("/greening/jobs/{job_id}/progress")
async def report_progress(
    request: Request, job_id: str, user: PortalUser = Depends(form_user)
) -> Response:
    require_cleaning(user, write=True)
    values = form_values(await request.form())
    body: dict[str, Any] = {
        "percent": values.get("percent", ""),
        "notes": values.get("notes") or None,
    }
    if values.get("version", "").isdigit():
        body["version"] = int(values["version"])
    try:
        await user.api.post(f"{CLEANING}/greening-jobs/{job_id}/progress", body)
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        ctx = await _job_context(user, job_id)
        ctx["form"] = FormState.from_error(exc, values, formatter(request))
        return render(request, "cleaning/job.html", ctx, status=exc.status, nav_key="greening")
    return redirect(request, f"/greening/jobs/{job_id}")
