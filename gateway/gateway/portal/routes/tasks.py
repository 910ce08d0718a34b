"""Each department's task queue and task page (engineering's work orders, the others' tasks):
simple enough for a phone."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal import lookups
from gateway.portal.client import ApiError, Forbidden
from gateway.portal.labels import LABELS
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

# department -> the API path of its tasks
TASK_PATHS: dict[str, str] = {
    "engineering": "/api/engineering/v1/workorders",
    "cleaning": "/api/cleaning/v1/tasks",
    "security": "/api/security/v1/tasks",
    "leasing": "/api/leasing/v1/tasks",
    "fees": "/api/fees/v1/tasks",
}
TASK_KINDS = frozenset(LABELS["task_kind"])  # the API's work kinds, as the labels name them
TASK_ACTIONS: dict[str, frozenset[str]] = {  # the API's rules (it refuses the rest)
    "assign": frozenset({"open", "assigned", "in_progress"}),
    "start": frozenset({"assigned"}),
    "complete": frozenset({"in_progress"}),
    "reopen": frozenset({"completed"}),
}


WINDOW_FILTERS = ("created_from", "created_before", "completed_from", "completed_before")


def _instant(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def departments_of(user: PortalUser) -> list[str]:
    """The departments whose queues the user sees: their own; every one for manager/admin."""
    if user.has("manager"):
        return list(TASK_PATHS)
    return [d for d in TASK_PATHS if d in user.roles]


def _department(user: PortalUser, requested: str | None) -> str:
    mine = departments_of(user)
    if not mine:
        raise Forbidden(403, {"detail": "no department"})
    if requested:
        if requested not in mine:
            raise Forbidden(403, {"detail": "not your department"})
        return requested
    return mine[0]


def task_actions(task: dict[str, Any], user: PortalUser) -> list[str]:
    if not user.may_write(task["department"]):
        return []
    return [a for a, states in TASK_ACTIONS.items() if task["status"] in states]


@router.get("/tasks")
async def queue(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    q = request.query_params
    department = _department(user, q.get("department"))
    view = q.get("view") if q.get("view") in ("mine", "unassigned", "all") else "all"
    status = q.get("status", "")
    kind = q.get("kind", "") if q.get("kind", "") in TASK_KINDS else ""
    offset = int(q.get("offset", "0")) if q.get("offset", "0").isdigit() else 0
    # a time window, as the daily review links here (created or completed that day)
    window = {k: q.get(k, "") for k in WINDOW_FILTERS if _instant(q.get(k, ""))}
    params: dict[str, Any] = {
        "status": status,
        "kind": kind,
        "limit": 25,
        "offset": offset,
        **window,
    }
    if view == "mine":
        params["assignee"] = user.principal.username
    elif view == "unassigned":
        params["status"] = "open"
    page, props = await asyncio.gather(
        user.api.get(TASK_PATHS[department], **params), lookups.properties(user.api)
    )
    ctx = {
        "page": page,
        "props": props,
        "department": department,
        "departments": departments_of(user),
        "view": view,
        "status": status,
        "kind": kind,
        "window": window,
        "params": _params_fn(
            {"department": department, "view": view, "status": status, "kind": kind, **window}
        ),
    }
    partial = request.headers.get("hx-target") == "tasks"
    return render(
        request, "tasks/_rows.html" if partial else "tasks/queue.html", ctx, nav_key="tasks"
    )


async def _task_context(user: PortalUser, department: str, task_id: str) -> dict[str, Any]:
    task = await user.api.get(f"{TASK_PATHS[department]}/{task_id}")
    props = await lookups.properties(user.api)
    return {
        "t": task,
        "props": props,
        "department": department,
        "actions": task_actions(task, user),
    }


@router.get("/tasks/{department}/{task_id}")
async def task_page(
    request: Request, department: str, task_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    department = _department(user, department)
    ctx = await _task_context(user, department, task_id)
    return render(request, "tasks/task.html", ctx, nav_key="tasks")


@router.post("/tasks/{department}/{task_id}/{action}")
async def task_action(
    request: Request,
    department: str,
    task_id: str,
    action: str,
    user: PortalUser = Depends(form_user),
) -> Response:
    department = _department(user, department)
    if action not in TASK_ACTIONS or not user.may_write(department):
        raise Forbidden(403, {"detail": "not allowed"})
    form = await request.form()
    values = {k: str(v).strip() for k, v in form.items() if k != "csrf_token"}
    body: dict[str, Any] = {}
    if values.get("version", "").isdigit():
        body["version"] = int(values["version"])
    if action == "assign":
        body["assignee"] = values.get("assignee", "")
    elif action == "complete":
        body["resolution_notes"] = values.get("resolution_notes", "")
    elif action == "reopen":
        body["reason"] = values.get("reason", "")
    try:
        await user.api.post(f"{TASK_PATHS[department]}/{task_id}/{action}", body)
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        ctx = await _task_context(user, department, task_id)
        ctx["open_action"] = action
        ctx["action_form"] = FormState.from_error(exc, values, formatter(request))
        return render(request, "tasks/task.html", ctx, status=exc.status, nav_key="tasks")
    return redirect(request, f"/tasks/{department}/{task_id}")
