"""What each view asks of which service, and how the answers are put together."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import Request

from gateway.views.calls import Fetch, Part, fetch_all, read_token
from propops.auth import Principal, can, check_property
from propops.errors import Forbidden
from propops.periods import Period
from propops.timezones import day_window

MANAGER_ROLES = frozenset({"manager", "admin"})


def outcome(parts: dict[str, Part]) -> dict[str, Any]:
    """``incomplete`` and what is missing, the same way in every view."""
    missing = [
        {"part": p.name, "service": p.service, "reason": p.error}
        for p in parts.values()
        if not p.ok
    ]
    return {"incomplete": bool(missing), "unavailable": missing}


def day_series(period: Period, per_day: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-day counts as one series per (nature, kind), every day of the period present."""
    days = [d.isoformat() for d in period.days()]
    index = {d: i for i, d in enumerate(days)}
    series: dict[tuple[str, str | None], list[int]] = defaultdict(lambda: [0] * len(days))
    for row in per_day:
        if row["date"] in index:
            series[(row["nature"], row["kind"])][index[row["date"]]] += row["count"]
    return {
        "days": days,
        "series": [
            {"nature": nature, "kind": kind, "counts": counts, "total": sum(counts)}
            for (nature, kind), counts in sorted(
                series.items(), key=lambda i: (i[0][0], i[0][1] or "")
            )
        ],
    }


async def dashboard(
    request: Request, principal: Principal, period: Period, property_id: str | None
) -> dict[str, Any]:
    if not principal.roles & MANAGER_ROLES:
        raise Forbidden("the dashboard is for managers")
    if property_id is not None:
        check_property(principal, property_id)
    common = {"property_id": property_id}
    parts = await fetch_all(
        request,
        [
            Fetch(
                "complaints",
                "frontdesk",
                "v1/reports/complaints",
                {**common, "from": period.start.isoformat(), "to": period.end.isoformat()},
            ),
            Fetch("arrears", "fees", "v1/reports/arrears", common),
        ],
    )
    complaints = parts["complaints"].data
    return {
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "property_id": property_id,
        **outcome(parts),
        "complaints": (
            {**complaints, "per_day_series": day_series(period, complaints["per_day"])}
            if complaints is not None
            else None
        ),
        "arrears": parts["arrears"].data,
    }


async def unit_page(request: Request, principal: Principal, unit_id: str) -> dict[str, Any]:
    desk = can(principal, "frontdesk", write=False)
    fees = can(principal, "fees", write=False)
    if not (desk or fees):
        raise Forbidden("a unit's page needs read rights on the front desk or fees")
    fetches: list[Fetch] = []
    segment = quote(unit_id, safe="")  # one path segment, whatever the caller sent
    if desk:
        fetches += [
            Fetch("unit", "frontdesk", f"v1/units/{segment}"),
            Fetch("complaints", "frontdesk", "v1/complaints", {"unit_id": unit_id, "limit": 50}),
        ]
    if fees:
        fetches += [
            Fetch("payment_status", "fees", f"v1/accounts/{segment}/status", missing_ok=True),
            Fetch("charges", "fees", "v1/charges", {"unit_id": unit_id, "limit": 50}),
            Fetch("payments", "fees", "v1/payments", {"unit_id": unit_id, "limit": 20}),
        ]
    parts = await fetch_all(request, fetches)
    return {
        "unit_id": unit_id,
        **outcome(parts),
        "unit": _data(parts, "unit"),
        "complaints": _data(parts, "complaints"),
        "payment_status": _data(parts, "payment_status"),
        "charges": _data(parts, "charges"),
        "payments": _data(parts, "payments"),
    }


def _data(parts: dict[str, Part], name: str) -> Any:
    part = parts.get(name)
    return part.data if part is not None else None


# --- the supervisor's daily review ----------------------------------------------------------

REVIEW_ROLES = frozenset({"manager", "admin", "frontdesk"})
# department -> the path of its task list (engineering's are work orders)
TASK_LISTS: dict[str, str] = {
    "engineering": "v1/workorders",
    "cleaning": "v1/tasks",
    "security": "v1/tasks",
    "leasing": "v1/tasks",
    "fees": "v1/tasks",
}
PATROL_STATES = ("upcoming", "due", "in_progress", "done", "missed")


def _window(desk: dict[str, Any] | None, day: date, default_zone: str) -> tuple[str, str, str]:
    """The day's time zone and UTC window: the property's (from the desk's answer), else the
    installation's default zone when the desk is down."""
    if desk is not None:
        return desk["time_zone"], desk["since"], desk["until"]
    since, until = day_window(day, default_zone)
    return default_zone, since.isoformat(), until.isoformat()


def _total(part: Part) -> int | None:
    return part.data["total"] if part.ok and part.data is not None else None


def _attendance(part: Part) -> dict[str, Any] | None:
    """Counts of the day's staff shifts and the people late or absent (the front desk's
    ``staff-shifts``: ``user, post, start, end, late, late_minutes, absent, uncovered``)."""
    if not part.ok or part.data is None:
        return None
    shifts = part.data["items"]
    return {
        "shifts": part.data.get("total", len(shifts)),
        "late": sum(1 for s in shifts if s.get("late")),
        "absent": sum(1 for s in shifts if s.get("absent")),
        "uncovered": sum(1 for s in shifts if s.get("uncovered")),
        "people": [
            {
                "user": s.get("user"),
                "post": s.get("post"),
                "start": s.get("start"),
                "end": s.get("end"),
                "late_minutes": s.get("late_minutes") if s.get("late") else None,
                "absent": bool(s.get("absent")),
            }
            for s in shifts
            if s.get("late") or s.get("absent")
        ],
    }


def _patrols(part: Part) -> dict[str, Any] | None:
    if not part.ok or part.data is None:
        return None
    counts = dict.fromkeys(PATROL_STATES, 0)
    # the next day's patrols shown on the sheet while their window is open are that day's
    days_own = [row for row in part.data["items"] if not row.get("next_day")]
    for row in days_own:
        counts[row["state"]] = counts.get(row["state"], 0) + 1
    missed = [
        {
            "route_name": row["route_name"],
            "occurrence_at": row["occurrence_at"],
        }
        for row in days_own
        if row["state"] == "missed"
    ]
    return {**counts, "total": len(days_own), "missed_rounds": missed}


async def daily_review(
    request: Request, principal: Principal, property_id: str, day: date
) -> dict[str, Any]:
    """One local day of a property, per post and department: what was done and what was not.
    The desk's figures come first (they carry the property's time zone and the day's window in
    UTC); the departments' counts are the ``total`` of their lists over that window."""
    if not principal.roles & REVIEW_ROLES:
        raise Forbidden("the daily review is for the front desk's supervisor and managers")
    check_property(principal, property_id)
    [desk] = (
        await fetch_all(
            request,
            [
                Fetch(
                    "frontdesk",
                    "frontdesk",
                    "v1/reports/day",
                    {"property_id": property_id, "date": day.isoformat()},
                )
            ],
        )
    ).values()
    settings = request.app.state.ctx.settings
    time_zone, since, until = _window(desk.data, day, settings.default_time_zone)
    # the supervisor (front desk) reads the departments' figures through the view only
    token = read_token(request, principal)
    scope = {"property_id": property_id, "limit": 1}
    fetches = [
        Fetch(
            "attendance",
            "frontdesk",
            "v1/staff-shifts",
            {"property_id": property_id, "date": day.isoformat(), "limit": 500},
            absent_is_unavailable=True,
        ),
        Fetch(
            "patrols",
            "security",
            "v1/patrols",
            {"property_id": property_id, "date": day.isoformat()},
            token=token,
        ),
        Fetch(
            "post_checks",
            "security",
            "v1/post-checks",
            {**scope, "checked_from": since, "checked_before": until},
            token=token,
        ),
        Fetch(
            "post_checks_failed",
            "security",
            "v1/post-checks",
            {**scope, "checked_from": since, "checked_before": until, "passed": "false"},
            token=token,
        ),
    ]
    for dept, path in TASK_LISTS.items():
        fetches += [
            Fetch(
                f"{dept}_opened",
                dept,
                path,
                {**scope, "created_from": since, "created_before": until},
                token=token,
            ),
            Fetch(
                f"{dept}_completed",
                dept,
                path,
                # completed that day, whether or not reopened since (the task's history)
                {**scope, "completed_from": since, "completed_before": until},
                token=token,
            ),
        ]
    parts = {"frontdesk": desk, **await fetch_all(request, fetches)}
    checks, failed = parts["post_checks"], parts["post_checks_failed"]
    return {
        "property_id": property_id,
        "date": day.isoformat(),
        "time_zone": time_zone,
        "since": since,
        "until": until,
        **outcome(parts),
        "signed": desk.data["review"] if desk.data is not None else None,
        "frontdesk": desk.data,
        "departments": [
            {
                "department": dept,
                "opened": _total(parts[f"{dept}_opened"]),
                "completed": _total(parts[f"{dept}_completed"]),
            }
            for dept in TASK_LISTS
        ],
        "security": {
            "patrols": _patrols(parts["patrols"]),
            "post_checks": (
                {"total": _total(checks), "failed": _total(failed)}
                if checks.ok and failed.ok
                else None
            ),
        },
        "attendance": _attendance(parts["attendance"]),
    }
