"""The bell in the top bar (unread count), the notifications page, marking read, and the
portal's live stream (``/live``: the same SSE as ``/api/live``, signed in by the session)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse

from gateway.live.stream import sse_response
from gateway.notifications.rules import text_of
from gateway.portal.web import PortalUser, form_user, formatter, page_user, redirect, render

router = APIRouter()
API = "/api/notifications"


# the icon of a kind of notification (a task's wrench for the rest)
ICONS = {
    "complaint_overdue": "alert",
    "severe_complaint": "alert",
    "callback_due": "phone",
    "leave_requested": "calendar",
    "visitor_expected": "users",
    "visitor_arrived": "users",
}


def link_of(n: dict[str, Any]) -> str:
    """Where a notification takes the user: the task, the complaint, or the callbacks due."""
    p = n["params"]
    if n["kind"].startswith("task_") and p.get("task_id"):
        return f"/tasks/{p['department']}/{p['task_id']}"
    if n["kind"] == "callback_due":
        return "/callbacks"
    if n["kind"] == "leave_requested":
        where = n.get("property_id")  # the clerk's property (none: an old request)
        return f"/staff/leave?property_id={where}" if where else "/staff/leave"
    if n["kind"] == "daily_review_signed" and n.get("property_id"):
        return f"/daily-review?property_id={n['property_id']}&date={p.get('date', '')}"
    if p.get("complaint_id"):
        return f"/complaints/{p['complaint_id']}"
    return "/notifications"


@router.get("/live")
async def live(request: Request, user: PortalUser = Depends(page_user)) -> StreamingResponse:
    return sse_response(request, user.principal)


@router.get("/notifications/bell")
async def bell(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    count = (await user.api.get(f"{API}/count"))["unread"]
    return render(request, "notifications/_bell.html", {"unread": count})


@router.get("/notifications")
async def notifications_page(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    fm = formatter(request)
    unread_only = request.query_params.get("unread") == "1"
    page = await user.api.get(API, unread="true" if unread_only else None, limit=50)
    items = [
        {
            **n,
            "text": text_of(n["kind"], n["params"], fm.gettext),
            "link": link_of(n),
            "icon": ICONS.get(n["kind"], "wrench"),
        }
        for n in page["items"]
    ]
    return render(
        request,
        "notifications/list.html",
        {"items": items, "page": page, "unread_only": unread_only},
        nav_key="notifications",
    )


@router.post("/notifications/read-all")
async def read_all(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    await user.api.post(f"{API}/read-all")
    return redirect(request, "/notifications")


@router.post("/notifications/{notification_id}/open")
async def open_one(
    notification_id: str, request: Request, user: PortalUser = Depends(form_user)
) -> Response:
    """Mark read and go to what it is about."""
    await user.api.post(f"{API}/{notification_id}/read")
    form = await request.form()
    target = str(form.get("link") or "/notifications")
    return redirect(
        request, target if target.startswith("/") and not target.startswith("//") else "/"
    )
