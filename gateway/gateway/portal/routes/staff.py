"""The front desk's own staff (客服排班): the week's roster of a property (uncovered, late and
absent marked), a shift to add, reassign, cancel, or clock in and out for its clerk (the
supervisor's); leave requests (the supervisor or a manager approves or refuses); "my shifts" with
clock-in and clock-out on a phone; training (courses, attendance and who is due). Who may do
what: ``propops.supervisor``, the rules the front desk enforces."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal import lookups, nav
from gateway.portal.client import ApiError, Forbidden, NotFoundError, new_idempotency_key
from gateway.portal.errors import translate_error
from gateway.portal.i18n import N_, Formatter
from gateway.portal.nav import DESK, NavItem
from gateway.portal.web import (
    FormState,
    PortalUser,
    form_user,
    formatter,
    page_user,
    redirect,
    render,
)
from propops.supervisor import may_clock, may_decide_leave, may_keep_roster

router = APIRouter()
FD = lookups.FD
nav.add(NavItem("staff", "/staff", N_("Desk staff"), DESK, 20, "users"))

TABS: tuple[tuple[str, str, str], ...] = (
    ("roster", "/staff", N_("Roster")),
    ("mine", "/staff/mine", N_("My shifts")),
    ("leave", "/staff/leave", N_("Leave")),
    ("training", "/staff/training", N_("Training")),
)


def _require(user: PortalUser, write: bool = False) -> None:
    ok = user.may_write("frontdesk") if write else user.has("frontdesk", "manager")
    if not ok:
        raise Forbidden(403, {"detail": "front desk only"})


def _said(fm: Formatter, exc: ApiError) -> str:
    """A refused action's reason in the user's language."""
    if not exc.detail:
        return fm.gettext("That did not work; reload and try again.")
    return translate_error(fm, exc.detail, exc.status)


def _values(form: Any) -> dict[str, str]:
    return {k: str(v).strip() for k, v in form.items() if k != "csrf_token"}


def _day(raw: str | None, default: date) -> date:
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


async def _head(request: Request, user: PortalUser, tab: str) -> dict[str, Any]:
    props = await lookups.properties(user.api)
    wanted = request.query_params.get("property_id", "")
    property_id = wanted if wanted in props else next(iter(props), wanted)
    return {
        "tabs": TABS,
        "tab": tab,
        "props": props,
        "property_options": [(pid, p["name"]) for pid, p in props.items()],
        "property_id": property_id,
    }


# --- the week's roster -----------------------------------------------------------------------


async def _roster(
    request: Request, user: PortalUser, form: FormState | None = None
) -> dict[str, Any]:
    fm = formatter(request)
    ctx = await _head(request, user, "roster")
    day = _day(request.query_params.get("date"), fm.today())
    monday = day - timedelta(days=day.weekday())
    days = [monday + timedelta(days=i) for i in range(7)]
    shifts: dict[str, Any] = {"items": []}
    if ctx["property_id"]:
        shifts = await user.api.get(
            f"{FD}/staff-shifts",
            property_id=ctx["property_id"],
            date_from=days[0].isoformat(),
            date_to=days[-1].isoformat(),
            limit=500,
        )
    by_day: dict[str, list[dict[str, Any]]] = {d.isoformat(): [] for d in days}
    for s in shifts["items"]:
        by_day.setdefault(s["day"], []).append(s)
    ctx.update(
        day=day,
        days=days,
        by_day=by_day,
        today=fm.today().isoformat(),
        uncovered=sum(1 for s in shifts["items"] if s["uncovered"]),
        keeps_roster=may_keep_roster(user.principal),
        clocks=lambda clerk: may_clock(user.principal, clerk),
        prev_week=monday - timedelta(days=7),
        next_week=monday + timedelta(days=7),
        idem=new_idempotency_key(),
        form=form or FormState(values={"day": day.isoformat(), "start": "08:00", "end": "16:00"}),
    )
    return ctx


@router.get("/staff")
async def roster(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require(user)
    return render(request, "staff/roster.html", await _roster(request, user), nav_key="staff")


def _instant(fm: Any, day: str, clock: str) -> str:
    """A date and a time typed at the portal's time zone, as ISO 8601; unreadable input goes
    as typed, for the API to name the field."""
    try:
        return datetime.combine(
            date.fromisoformat(day), time.fromisoformat(clock), fm.tz
        ).isoformat()
    except ValueError:
        return f"{day}T{clock}"


@router.post("/staff/shifts")
async def add_shift(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require(user, write=True)
    fm = formatter(request)
    values = _values(await request.form())
    day = values.get("day", "")
    start = _instant(fm, day, values.get("start", ""))
    end = _instant(fm, day, values.get("end", ""))
    if values.get("start") and values.get("end") and values["end"] <= values["start"]:
        try:  # a night shift ends the next day
            end = (datetime.fromisoformat(end) + timedelta(days=1)).isoformat()
        except ValueError:
            pass
    body = {
        "property_id": values.get("property_id", ""),
        "user": values.get("user", ""),
        "post": values.get("post", ""),
        "start": start,
        "end": end,
    }
    try:
        await user.api.post(
            f"{FD}/staff-shifts", body, idempotency_key=values.get("idempotency_key") or None
        )
    except ApiError as exc:
        if exc.status == 403:
            raise
        ctx = await _roster(request, user, FormState.from_error(exc, values, fm))
        return render(request, "staff/roster.html", ctx, status=422, nav_key="staff")
    return redirect(request, f"/staff?property_id={body['property_id']}&date={day}")


@router.post("/staff/shifts/{shift_id}/{action}")
async def shift_action(
    shift_id: str, action: str, request: Request, user: PortalUser = Depends(form_user)
) -> Response:
    if action not in ("reassign", "cancel", "clock-in", "clock-out"):
        raise NotFoundError(404, {"detail": "no such action"})
    _require(user, write=True)
    values = _values(await request.form())
    body: dict[str, Any] = {}
    if values.get("version", "").isdigit():
        body["version"] = int(values["version"])
    if action == "reassign":
        body["user"] = values.get("user", "")
    if action == "cancel" and values.get("reason"):
        body["reason"] = values["reason"]
    back = values.get("back", "")
    back = back if back.startswith("/staff") else "/staff"
    try:
        await user.api.post(f"{FD}/staff-shifts/{shift_id}/{action}", body)
    except ApiError as exc:
        if exc.status == 403 and action not in ("clock-in", "clock-out"):
            raise
        fm = formatter(request)
        if back.startswith("/staff/mine"):
            ctx = await _mine(request, user)
            ctx["error"] = _said(fm, exc)
            return render(request, "staff/mine.html", ctx, status=exc.status, nav_key="staff")
        ctx = await _roster(request, user)
        ctx["error"] = _said(fm, exc)
        return render(request, "staff/roster.html", ctx, status=exc.status, nav_key="staff")
    return redirect(request, back)


# --- my shifts (a clerk on a phone) ----------------------------------------------------------


async def _mine(request: Request, user: PortalUser) -> dict[str, Any]:
    fm = formatter(request)
    today = fm.today()
    shifts = await user.api.get(
        f"{FD}/staff-shifts",
        user=user.principal.username,
        date_from=(today - timedelta(days=1)).isoformat(),
        date_to=(today + timedelta(days=13)).isoformat(),
        limit=100,
    )
    ctx = await _head(request, user, "mine")
    items = [s for s in shifts["items"] if s["status"] != "cancelled"]
    arrival = None
    if items:  # the arrival standard, as the service applies it
        start, arrive_by = (datetime.fromisoformat(items[0][k]) for k in ("start", "arrive_by"))
        arrival = int((start - arrive_by).total_seconds() // 60)
    ctx.update(shifts=items, arrival=arrival, error="")
    return ctx


@router.get("/staff/mine")
async def mine(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require(user)
    return render(request, "staff/mine.html", await _mine(request, user), nav_key="staff")


# --- leave -----------------------------------------------------------------------------------


async def _leave(
    request: Request, user: PortalUser, form: FormState | None = None
) -> dict[str, Any]:
    status = request.query_params.get("status", "requested")
    if status not in ("requested", "approved", "refused", "cancelled", "all"):
        status = "requested"
    params: dict[str, Any] = {"limit": 100}
    if status != "all":
        params["status"] = status
    leave = await user.api.get(f"{FD}/leave-requests", **params)
    ctx = await _head(request, user, "leave")
    today = formatter(request).today().isoformat()
    ctx.update(
        leave=leave,
        status=status,
        statuses=("requested", "approved", "refused", "cancelled", "all"),
        supervisor=may_decide_leave(user.principal),
        error="",
        idem=new_idempotency_key(),
        form=form
        or FormState(
            values={
                "property_id": ctx["property_id"],
                "user": user.principal.username,
                "from": today,
                "to": today,
                "kind": "annual",
            }
        ),
    )
    return ctx


@router.get("/staff/leave")
async def leave_page(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require(user)
    return render(request, "staff/leave.html", await _leave(request, user), nav_key="staff")


@router.post("/staff/leave")
async def request_leave(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require(user, write=True)
    values = _values(await request.form())
    body = {k: values.get(k, "") for k in ("property_id", "user", "from", "to", "kind")}
    if values.get("reason"):
        body["reason"] = values["reason"]
    try:
        await user.api.post(
            f"{FD}/leave-requests", body, idempotency_key=values.get("idempotency_key") or None
        )
    except ApiError as exc:
        if exc.status == 403:
            raise
        ctx = await _leave(request, user, FormState.from_error(exc, values, formatter(request)))
        return render(request, "staff/leave.html", ctx, status=422, nav_key="staff")
    return redirect(request, "/staff/leave")


@router.post("/staff/leave/{leave_id}/{action}")
async def leave_action(
    leave_id: str, action: str, request: Request, user: PortalUser = Depends(form_user)
) -> Response:
    if action not in ("approve", "refuse", "cancel"):
        raise NotFoundError(404, {"detail": "no such action"})
    _require(user)
    values = _values(await request.form())
    body: dict[str, Any] = {}
    if values.get("version", "").isdigit():
        body["version"] = int(values["version"])
    if action == "refuse":
        body["reason"] = values.get("reason", "")
    try:
        await user.api.post(f"{FD}/leave-requests/{leave_id}/{action}", body)
    except ApiError as exc:
        fm = formatter(request)
        ctx = await _leave(request, user)
        ctx["error"] = _said(fm, exc)
        return render(request, "staff/leave.html", ctx, status=exc.status, nav_key="staff")
    if action == "approve":  # the shifts it uncovers, to reassign
        return redirect(request, "/staff")
    return redirect(request, "/staff/leave")


# --- training --------------------------------------------------------------------------------


async def _training(
    request: Request,
    user: PortalUser,
    course_form: FormState | None = None,
    record_form: FormState | None = None,
) -> dict[str, Any]:
    ctx = await _head(request, user, "training")
    pid = ctx["property_id"]
    courses, records, due = await asyncio.gather(
        user.api.get(f"{FD}/training-courses", limit=200, **({"property_id": pid} if pid else {})),
        user.api.get(f"{FD}/training-records", limit=30),
        user.api.get(f"{FD}/training-due", property_id=pid, within_days=30)
        if pid
        else asyncio.sleep(0, None),
    )
    today = formatter(request).today().isoformat()
    ctx.update(
        courses=courses["items"],
        course_names={c["id"]: f"{c['code']} {c['name']}" for c in courses["items"]},
        records=records["items"],
        due=due,
        idem=new_idempotency_key(),
        idem2=new_idempotency_key(),
        course_form=course_form or FormState(values={"kind": "in_service", "scope": "property"}),
        record_form=record_form or FormState(values={"attended_on": today, "passed": "yes"}),
    )
    return ctx


@router.get("/staff/training")
async def training(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require(user)
    return render(request, "staff/training.html", await _training(request, user), nav_key="staff")


@router.post("/staff/training/courses")
async def add_course(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require(user, write=True)
    values = _values(await request.form())
    body: dict[str, Any] = {k: values.get(k, "") for k in ("code", "name", "kind")}
    if values.get("scope") == "property":
        body["property_id"] = values.get("property_id", "")
    if values.get("refresher_months"):
        body["refresher_months"] = values["refresher_months"]
    try:
        await user.api.post(
            f"{FD}/training-courses", body, idempotency_key=values.get("idempotency_key") or None
        )
    except ApiError as exc:
        if exc.status == 403:
            raise
        form = FormState.from_error(exc, values, formatter(request))
        ctx = await _training(request, user, course_form=form)
        return render(request, "staff/training.html", ctx, status=422, nav_key="staff")
    return redirect(request, f"/staff/training?property_id={values.get('property_id', '')}")


@router.post("/staff/training/records")
async def add_record(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require(user, write=True)
    values = _values(await request.form())
    body: dict[str, Any] = {k: values.get(k, "") for k in ("course_id", "user", "attended_on")}
    if values.get("trainer"):
        body["trainer"] = values["trainer"]
    body["passed"] = {"yes": True, "no": False}.get(values.get("passed", ""))
    try:
        await user.api.post(
            f"{FD}/training-records", body, idempotency_key=values.get("idempotency_key") or None
        )
    except ApiError as exc:
        if exc.status == 403:
            raise
        form = FormState.from_error(exc, values, formatter(request))
        ctx = await _training(request, user, record_form=form)
        return render(request, "staff/training.html", ctx, status=422, nav_key="staff")
    return redirect(request, f"/staff/training?property_id={values.get('property_id', '')}")
