"""The meeting service's pages: a day of the rooms (a timeline per room and the bookings in
order), booking, the preparation checklist, cancel, the close, keys returned; rooms; the desk's
open follow-ups (equipment missing after a meeting)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal import lookups, nav
from gateway.portal.client import ApiError, new_idempotency_key
from gateway.portal.i18n import N_, Formatter
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
DAY_START, DAY_END = 7, 23  # the hours the day's timeline shows
SERVICES = ("tea", "coffee", "water", "fruit", "snacks", "flowers", "name_cards")

CLASH = N_("The room is already booked from %(start)s to %(end)s (%(reference)s, %(organizer)s).")

nav.add(NavItem("meetings", "/meetings", N_("Meeting rooms"), DESK, 15, "calendar"))


def _day(value: str | None, fm: Formatter) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return fm.today()


def _at(day: date, hhmm: str, fm: Formatter) -> str | None:
    """The ISO instant of ``hh:mm`` on ``day`` in the portal's time zone (None if not a time)."""
    try:
        clock = time.fromisoformat(hhmm)
    except ValueError:
        return None
    return datetime.combine(day, clock, fm.tz).isoformat()


def _bar(booking: dict[str, Any], fm: Formatter) -> dict[str, float]:
    """Where a booking sits on the day's timeline, in percent of its width."""
    span = (DAY_END - DAY_START) * 60

    def minutes(value: str) -> float:
        local = datetime.fromisoformat(value).astimezone(fm.tz)
        return (local.hour - DAY_START) * 60 + local.minute

    start = max(0.0, min(span, minutes(booking["start"])))
    end = max(start, min(span, minutes(booking["end"])))
    return {"left": round(100 * start / span, 2), "width": round(100 * (end - start) / span, 2)}


async def _page(
    request: Request,
    user: PortalUser,
    *,
    form: FormState | None = None,
    room_form: FormState | None = None,
    errors_for: str = "",
    status: int = 200,
) -> Response:
    fm = formatter(request)
    q = request.query_params
    day = _day(q.get("date") or (form.values.get("date") if form else None), fm)
    props = await lookups.properties(user.api)
    rooms, bookings, waiting, follow_ups = await asyncio.gather(
        user.api.get(f"{FD}/meeting-rooms", limit=100),
        user.api.get(f"{FD}/meeting-bookings", date=day.isoformat(), limit=200),
        user.api.get(f"{FD}/meeting-bookings", status="awaiting_keys", limit=50),
        user.api.get(f"{FD}/follow-ups", status="open", limit=50),
    )
    by_room: dict[str, list[dict[str, Any]]] = {r["id"]: [] for r in rooms["items"]}
    for b in bookings["items"]:
        b["bar"] = _bar(b, fm)
        by_room.setdefault(b["room_id"], []).append(b)
    room_names = {r["id"]: r["name"] for r in rooms["items"]}
    ctx = {
        "day": day,
        "prev": (day - timedelta(days=1)).isoformat(),
        "next": (day + timedelta(days=1)).isoformat(),
        "today": fm.today().isoformat(),
        "hours": list(range(DAY_START, DAY_END + 1, 2)),
        "rooms": rooms["items"],
        "by_room": by_room,
        "room_names": room_names,
        "waiting": waiting["items"],
        "follow_ups": follow_ups["items"],
        "props": props,
        "services": SERVICES,
        "form": form or FormState(values={"date": day.isoformat()}),
        "room_form": room_form or FormState(values={"property_id": next(iter(props), "")}),
        "errors_for": errors_for,
        "idem": (form.values.get("idempotency_key") if form else None) or new_idempotency_key(),
    }
    return render(request, "desk/meetings.html", ctx, status=status, nav_key="meetings")


@router.get("/meetings")
async def meetings(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_desk(user)
    return await _page(request, user)


async def _values(request: Request) -> dict[str, Any]:
    form = await request.form()
    values: dict[str, Any] = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    values["services"] = [str(v) for v in form.getlist("services")]
    values["missing_items"] = [str(v) for v in form.getlist("missing_items")]
    return values


@router.post("/meetings/bookings")
async def book(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require_desk(user, write=True)
    fm = formatter(request)
    values = await _values(request)
    day = _day(values.get("date"), fm)
    body = {
        "room_id": values.get("room_id", ""),
        "start": _at(day, values.get("start_time", ""), fm) or values.get("start_time", ""),
        "end": _at(day, values.get("end_time", ""), fm) or values.get("end_time", ""),
        "organizer": values.get("organizer", "").strip(),
        "attendees": values.get("attendees", "").strip() or None,
        "services": values["services"],
        "notes": values.get("notes", "").strip() or None,
    }
    try:
        await user.api.post(
            f"{FD}/meeting-bookings", body, idempotency_key=values.get("idempotency_key")
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        state = FormState.from_error(exc, values, fm)
        # the API names start/end; the form has start_time/end_time
        for api_name, form_name in (("start", "start_time"), ("end", "end_time")):
            if api_name in exc.field_errors():
                state.errors[form_name] = state.errors.pop(api_name, "") or state.message
        clash = exc.problem.get("clash")
        if clash:
            state.message = fm.gettext(CLASH) % {
                "start": fm.time(clash["start"]),
                "end": fm.time(clash["end"]),
                "reference": clash["reference"],
                "organizer": clash["organizer"],
            }
            state.errors.pop("start_time", None)
        return await _page(request, user, form=state, errors_for="booking", status=422)
    return redirect(request, f"/meetings?{urlencode({'date': day.isoformat()})}#bookings")


ACTIONS = {
    "cancel": ("cancel", lambda v: {"reason": v.get("reason", "").strip()}),
    "close": (
        "close",
        lambda v: {
            "equipment_complete": not v["missing_items"],
            "missing_items": v["missing_items"],
            "power_off": v.get("power_off") == "on",
            "keys_returned": v.get("keys_returned") == "on",
        },
    ),
    "keys": ("keys-returned", lambda v: {"returned_by": v.get("returned_by", "").strip() or None}),
}


@router.post("/meetings/bookings/{booking_id}/{what}")
async def booking_action(
    request: Request, booking_id: str, what: str, user: PortalUser = Depends(form_user)
) -> Response:
    _require_desk(user, write=True)
    values = await _values(request)
    back = f"/meetings?{urlencode({'date': values.get('date', '')})}"
    try:
        if what == "tick":
            item = values.get("item_id", "")
            await user.api.post(f"{FD}/meeting-bookings/{booking_id}/checklist/{item}/tick")
        elif what in ACTIONS:
            path, build = ACTIONS[what]
            await user.api.post(f"{FD}/meeting-bookings/{booking_id}/{path}", build(values))
        else:
            return Response(status_code=404)
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        state = FormState.from_error(exc, {}, formatter(request))
        state.message = state.message or "; ".join(state.errors.values())
        state.errors = {}
        return await _page(request, user, form=state, errors_for=booking_id, status=422)
    return redirect(request, f"{back}#b-{booking_id}")


@router.post("/meetings/rooms")
async def add_room(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require_desk(user, write=True)
    values = await _values(request)
    body = {
        "property_id": values.get("property_id", ""),
        "name": values.get("name", "").strip(),
        "capacity": values.get("capacity", "").strip() or None,
        "equipment": [e.strip() for e in values.get("equipment", "").split(",") if e.strip()],
    }
    try:
        await user.api.post(
            f"{FD}/meeting-rooms", body, idempotency_key=values.get("idempotency_key")
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        state = FormState.from_error(exc, values, formatter(request))
        return await _page(request, user, room_form=state, errors_for="room", status=422)
    return redirect(request, "/meetings")


@router.post("/meetings/follow-ups/{follow_up_id}/resolve")
async def resolve_follow_up(
    request: Request, follow_up_id: str, user: PortalUser = Depends(form_user)
) -> Response:
    _require_desk(user, write=True)
    values = await _values(request)
    try:
        await user.api.post(
            f"{FD}/follow-ups/{follow_up_id}/resolve",
            {"resolution": values.get("resolution", "").strip()},
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        state = FormState.from_error(exc, {}, formatter(request))
        state.message = state.message or "; ".join(state.errors.values())
        state.errors = {}
        return await _page(request, user, form=state, errors_for=follow_up_id, status=422)
    return redirect(request, "/meetings#follow-ups")
