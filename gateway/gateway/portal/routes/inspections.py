"""Inspection pages (巡查): the property's checklists (start a round, edit a checklist's items),
a round's form (pass / fail / not applicable per item, a note), and the nonconformances (不合格)
with the follow-up check."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal import lookups, nav
from gateway.portal.client import ApiError, new_idempotency_key
from gateway.portal.i18n import N_
from gateway.portal.nav import DESK, NavItem
from gateway.portal.routes.desk import _require_desk
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
FD = lookups.FD

nav.add(NavItem("inspections", "/inspections", N_("Inspections"), DESK, 18, "clipboard"))
nav.add(NavItem("nonconformances", "/nonconformances", N_("Nonconformances"), DESK, 19, "log"))


def _error(exc: ApiError, request: Request, values: dict[str, Any] | None = None) -> FormState:
    if exc.status in (403, 404):
        raise exc
    return FormState.from_error(exc, values or {}, formatter(request))


async def _checklists(
    request: Request, user: PortalUser, form: FormState | None = None, status: int = 200
) -> Response:
    props = await lookups.properties(user.api)
    property_id = request.query_params.get("property_id") or next(iter(props), "")
    templates, rounds = await asyncio.gather(
        user.api.get(f"{FD}/inspection-templates", property_id=property_id, limit=100)
        if property_id
        else asyncio.sleep(0, {"items": []}),
        user.api.get(f"{FD}/inspections", property_id=property_id, limit=20)
        if property_id
        else asyncio.sleep(0, {"items": []}),
    )
    ctx = {
        "props": props,
        "property_id": property_id,
        "templates": templates["items"],
        "rounds": rounds["items"],
        "form": form or FormState(),
        "idem": new_idempotency_key(),
    }
    return render(request, "desk/inspections.html", ctx, status=status, nav_key="inspections")


@router.get("/inspections")
async def checklists(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_desk(user)
    return await _checklists(request, user)


@router.post("/inspections")
async def start(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require_desk(user, write=True)
    form = await request.form()
    body = {
        "template_id": str(form.get("template_id", "")),
        "property_id": str(form.get("property_id", "")),
        "location": str(form.get("location", "")).strip() or None,
    }
    try:
        made = await user.api.post(
            f"{FD}/inspections", body, idempotency_key=str(form.get("idempotency_key", ""))
        )
    except ApiError as exc:
        return await _checklists(request, user, _error(exc, request), status=422)
    return redirect(request, f"/inspections/{made['id']}")


async def _round(
    request: Request,
    user: PortalUser,
    inspection_id: str,
    form: FormState | None = None,
    status: int = 200,
) -> Response:
    rnd = await user.api.get(f"{FD}/inspections/{inspection_id}")
    raised = []
    if rnd["nonconformance_ids"]:
        page = await user.api.get(f"{FD}/nonconformances", inspection_id=inspection_id, limit=100)
        raised = page["items"]
    props = await lookups.properties(user.api)
    ctx = {"rnd": rnd, "raised": raised, "props": props, "form": form or FormState()}
    return render(request, "desk/inspection.html", ctx, status=status, nav_key="inspections")


@router.get("/inspections/{inspection_id}")
async def a_round(
    request: Request, inspection_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    _require_desk(user)
    return await _round(request, user, inspection_id)


@router.post("/inspections/{inspection_id}")
async def record(
    request: Request, inspection_id: str, user: PortalUser = Depends(form_user)
) -> Response:
    """Save the results given; with ``submit``, submit the round too."""
    _require_desk(user, write=True)
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    rnd = await user.api.get(f"{FD}/inspections/{inspection_id}")
    items = []
    for item in rnd["items"]:
        code = item["code"]
        result = values.get(f"result-{code}")
        if result:
            items.append(
                {
                    "code": code,
                    "result": result,
                    "note": values.get(f"note-{code}", "").strip() or None,
                    "severity": values.get(f"severity-{code}") or "minor",
                }
            )
    try:
        if items:
            rnd = await user.api.post(f"{FD}/inspections/{inspection_id}/results", {"items": items})
        if "submit" in values:
            await user.api.post(f"{FD}/inspections/{inspection_id}/submit", {})
    except ApiError as exc:
        return await _round(request, user, inspection_id, _error(exc, request, values), 422)
    return redirect(request, f"/inspections/{inspection_id}")


@router.get("/inspection-templates/{template_id}")
async def edit_template(
    request: Request, template_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    _require_desk(user)
    return await _template(request, user, template_id)


async def _template(
    request: Request,
    user: PortalUser,
    template_id: str,
    form: FormState | None = None,
    status: int = 200,
) -> Response:
    template = await user.api.get(f"{FD}/inspection-templates/{template_id}")
    if form is None:
        lines = [f"{i['code']} | {i['text_zh']} | {i['text_en']}" for i in template["items"]]
        form = FormState(values={"name": template["name"], "items": "\n".join(lines)})
    ctx = {"template": template, "form": form}
    return render(
        request, "desk/inspection_template.html", ctx, status=status, nav_key="inspections"
    )


def _items(text: str, previous: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``code | 中文 | English`` a line; an item keeps its department by code."""
    departments = {i["code"]: i.get("department") for i in previous}
    items = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        code, zh, en = [*parts, "", "", ""][:3]
        item = {"code": code, "text_zh": zh, "text_en": en}
        if departments.get(code):
            item["department"] = departments[code]
        items.append(item)
    return items


@router.post("/inspection-templates/{template_id}")
async def save_template(
    request: Request, template_id: str, user: PortalUser = Depends(form_user)
) -> Response:
    _require_desk(user, write=True)
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    template = await user.api.get(f"{FD}/inspection-templates/{template_id}")
    body = {
        "name": values.get("name", "").strip(),
        "items": _items(values.get("items", ""), template["items"]),
    }
    try:
        await user.api.patch(
            f"{FD}/inspection-templates/{template_id}",
            body,
            version=int(values.get("version") or template["version"]),
        )
    except ApiError as exc:
        return await _template(request, user, template_id, _error(exc, request, values), 422)
    return redirect(request, f"/inspections?{urlencode({'property_id': template['property_id']})}")


async def _nonconformances(
    request: Request, user: PortalUser, form: FormState | None = None, status: int = 200
) -> Response:
    q = request.query_params
    filters = {k: q[k] for k in ("status", "department", "property_id") if q.get(k)}
    page, props = await asyncio.gather(
        user.api.get(f"{FD}/nonconformances", limit=100, **filters), lookups.properties(user.api)
    )
    ctx = {
        "items": page["items"],
        "total": page["total"],
        "filters": filters,
        "props": props,
        "form": form or FormState(),
    }
    return render(
        request, "desk/nonconformances.html", ctx, status=status, nav_key="nonconformances"
    )


@router.get("/nonconformances")
async def nonconformances(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_desk(user)
    return await _nonconformances(request, user)


@router.post("/nonconformances/{nc_id}/rectify")
async def rectify(request: Request, nc_id: str, user: PortalUser = Depends(form_user)) -> Response:
    """The desk put right one of its own items (no department task): then the check is due."""
    _require_desk(user, write=True)
    form = await request.form()
    body: dict[str, Any] = {"notes": str(form.get("notes", "")).strip()}
    if str(form.get("version", "")).isdigit():
        body["version"] = int(str(form["version"]))
    return await _act(request, user, nc_id, "rectify", body)


@router.post("/nonconformances/{nc_id}/verify")
async def verify(request: Request, nc_id: str, user: PortalUser = Depends(form_user)) -> Response:
    _require_desk(user, write=True)
    form = await request.form()
    body = {
        "passed": form.get("passed") == "true",
        "note": str(form.get("note", "")).strip() or None,
    }
    return await _act(request, user, nc_id, "verify", body)


async def _act(
    request: Request, user: PortalUser, nc_id: str, action: str, body: dict[str, Any]
) -> Response:
    """Send a nonconformance's action; its refusal is told above the list."""
    try:
        await user.api.post(f"{FD}/nonconformances/{nc_id}/{action}", body)
    except ApiError as exc:
        state = _error(exc, request)
        state.message = state.message or "; ".join(state.errors.values())
        return await _nonconformances(request, user, FormState(message=state.message), 422)
    return redirect(request, f"/nonconformances#nc-{nc_id}")
