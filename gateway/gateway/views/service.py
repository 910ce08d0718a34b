"""What each view asks of which service, and how the answers are put together."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from urllib.parse import quote

from fastapi import Request

from gateway.views.calls import Fetch, Part, fetch_all
from propops.auth import Principal, can, check_property
from propops.errors import Forbidden
from propops.periods import Period

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
