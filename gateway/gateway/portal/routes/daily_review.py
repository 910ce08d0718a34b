"""The supervisor's daily review (每日查閱工作記錄): one property's day, per post and department,
what was done and what was not (the gateway's ``/api/views/daily-review``), links to the lists
behind the counts, and the sign form (for the desk's supervisor and managers); a signed day shows
who signed it and when."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal import lookups, nav
from gateway.portal.client import ApiError, Forbidden, new_idempotency_key
from gateway.portal.errors import translate_error
from gateway.portal.i18n import N_
from gateway.portal.nav import NavItem
from gateway.portal.routes.tasks import departments_of
from gateway.portal.web import PortalUser, form_user, formatter, page_user, redirect, render
from propops.supervisor import may_sign_review

router = APIRouter()
FD = lookups.FD
VIEW = "/api/views/daily-review"
REVIEWERS = frozenset({"frontdesk", "manager"})

nav.add(NavItem("daily_review", "/daily-review", N_("Daily review"), REVIEWERS, 17, "log"))


def _require_reviewer(user: PortalUser) -> None:
    if not user.has(*REVIEWERS):
        raise Forbidden(403, {"detail": "the daily review is for the front desk and managers"})


def _links(user: PortalUser, view: dict[str, Any]) -> dict[str, Any]:
    """The lists behind the counts the user may open (None where their role may not)."""
    desk = user.has("frontdesk", "manager")
    security = user.has("security", "manager")
    prop = view["property_id"]
    window = {"since": view["since"], "until": view["until"]}

    def tasks(dept: str, which: str) -> str | None:
        if dept not in departments_of(user):
            return None
        key = "created" if which == "opened" else "completed"
        query = {
            "department": dept,
            f"{key}_from": window["since"],
            f"{key}_before": window["until"],
        }
        # completed that day, whether or not reopened since: as the view counts them
        return "/tasks?" + urlencode(query)

    return {
        "handovers": f"/handovers?{urlencode({'property_id': prop})}" if desk else None,
        "complaints": (
            lambda dept, **q: (
                "/complaints?"
                + urlencode({"property_id": prop, **({"department": dept} if dept else {}), **q})
            )
        )
        if desk
        else None,
        "callbacks": "/callbacks" if desk else None,
        "inspections": "/inspections" if desk else None,
        "nonconformances": "/nonconformances" if desk else None,
        "patrols": f"/security/patrols?{urlencode({'date': view['date']})}" if security else None,
        "post_checks": "/security/post-checks" if security else None,
        "tasks": tasks,
    }


async def _page(
    request: Request,
    user: PortalUser,
    q: dict[str, str],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    fm = formatter(request)
    props = await lookups.properties(user.api)
    property_id = q.get("property_id") or next(iter(props), "")
    day = q.get("date") or fm.today().isoformat()
    errors = dict(errors or {})
    view: dict[str, Any] | None = None
    if property_id:
        try:
            view = await user.api.get(VIEW, property_id=property_id, date=day)
        except ApiError as exc:
            if exc.status not in (400, 403, 422):
                raise
            for name, text in (exc.field_errors() or {"date": exc.detail}).items():
                errors.setdefault(name, translate_error(fm, text, exc.status))
    ctx = {
        "props": props,
        "property_id": property_id,
        "day": day,
        "view": view,
        "links": _links(user, view) if view else {},
        "errors": errors,
        "may_sign": may_sign_review(user.principal),
        "idem": new_idempotency_key(),
        "notes": q.get("notes", ""),
    }
    return render(request, "desk/daily_review.html", ctx, status=status, nav_key="daily_review")


@router.get("/daily-review")
async def daily_review(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_reviewer(user)
    return await _page(request, user, dict(request.query_params))


@router.post("/daily-review")
async def sign(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    """The desk's supervisor or a manager signs the day shown (``propops.supervisor``)."""
    if not may_sign_review(user.principal):
        raise Forbidden(403, {"detail": "the front desk's supervisor signs the daily review"})
    form = await request.form()
    property_id = str(form.get("property_id", ""))
    day = str(form.get("date", ""))
    body = {"property_id": property_id, "date": day, "notes": str(form.get("notes", "")).strip()}
    query = urlencode({"property_id": property_id, "date": day})
    try:
        await user.api.post(
            f"{FD}/daily-reviews", body, idempotency_key=str(form.get("idempotency_key") or "")
        )
    except ApiError as exc:
        if exc.status == 409:  # signed meanwhile: the page shows by whom
            return redirect(request, f"/daily-review?{query}#signature")
        if exc.status not in (400, 422):
            raise
        fm = formatter(request)
        errors = {
            name: translate_error(fm, text, exc.status)
            for name, text in (exc.field_errors() or {"notes": exc.detail}).items()
        }
        values = {"property_id": property_id, "date": day, "notes": body["notes"]}
        return await _page(request, user, values, errors=errors, status=422)
    return redirect(request, f"/daily-review?{query}#signature")
