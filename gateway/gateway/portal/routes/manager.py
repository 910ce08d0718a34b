"""The manager's dashboard: figures across services from ``/api/views/dashboard``, each chart
with its numbers as a table and a CSV download; filters by property and period."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal import dashboard, lookups, nav
from gateway.portal.client import ApiError, Forbidden, NotFoundError
from gateway.portal.errors import translate_error
from gateway.portal.i18n import N_
from gateway.portal.nav import NavItem
from gateway.portal.web import PortalUser, formatter, page_user, render

router = APIRouter()
MANAGERS = frozenset({"manager"})
nav.add(NavItem("dashboard", "/manager", N_("Dashboard"), MANAGERS, 5, "chart"))
PRESETS = (7, 30, 90)


def _require_manager(user: PortalUser) -> None:
    if not user.has("manager"):
        raise Forbidden(403, {"detail": "the dashboard is for managers"})


def _filters(request: Request) -> dict[str, str]:
    q = request.query_params
    return {k: q.get(k, "").strip() for k in ("property_id", "from", "to")}


async def _view(user: PortalUser, filters: dict[str, str]) -> dict[str, Any]:
    return await user.api.get("/api/views/dashboard", **filters)


@router.get("/manager")
async def dashboard_page(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_manager(user)
    fm = formatter(request)
    filters = _filters(request)
    error: dict[str, str] = {}
    try:
        view, props = await asyncio.gather(_view(user, filters), lookups.properties(user.api))
    except NotFoundError:
        raise
    except ApiError as exc:  # a bad period: show the form with the error next to its field
        if exc.status not in (400, 403, 422):
            raise
        fm = formatter(request)
        error = {
            name: translate_error(fm, text, exc.status)
            for name, text in (exc.field_errors() or {"from": exc.detail}).items()
        }
        view, props = await asyncio.gather(
            _view(user, {"property_id": ""}), lookups.properties(user.api)
        )
    tables = dashboard.tables(view, fm)
    today = fm.today()
    presets = [
        (
            days,
            urlencode(
                {
                    **{k: v for k, v in filters.items() if k == "property_id" and v},
                    "from": (today - timedelta(days=days - 1)).isoformat(),
                    "to": today.isoformat(),
                }
            ),
        )
        for days in PRESETS
    ]
    complaints = view.get("complaints") or {}
    kpis = {
        "recorded": complaints.get("recorded"),
        "open": sum(d["open"] for d in complaints.get("by_department", [])) if complaints else None,
        "overdue": sum(d["overdue"] for d in complaints.get("by_department", []))
        if complaints
        else None,
        "arrears": (view.get("arrears") or {}).get("units_in_arrears"),
        "overdue_total": (view.get("arrears") or {}).get("overdue_total"),
    }
    csv_query = urlencode({k: v for k, v in filters.items() if v})
    return render(
        request,
        "manager/dashboard.html",
        {
            "view": view,
            "tables": tables,
            "props": props,
            "filters": filters,
            "errors": error,
            "presets": presets,
            "kpis": kpis,
            "csv_query": csv_query,
            "period": (date.fromisoformat(view["from"]), date.fromisoformat(view["to"])),
        },
        nav_key="dashboard",
    )


@router.get("/manager/{chart}.csv")
async def dashboard_csv(
    chart: str, request: Request, user: PortalUser = Depends(page_user)
) -> Response:
    _require_manager(user)
    if chart not in dashboard.CHARTS:
        raise NotFoundError(404, {"detail": f"no chart {chart}"})
    filters = _filters(request)
    view = await _view(user, filters)
    table = dashboard.tables(view, formatter(request)).get(chart)
    if table is None:  # its service is down: say so rather than send an empty file
        return Response(
            "unavailable: " + ", ".join(u["service"] for u in view["unavailable"]) + "\n",
            status_code=503,
            media_type="text/plain; charset=utf-8",
        )
    name = f"propops-{chart}-{view['from']}-{view['to']}.csv"
    return Response(
        table.csv(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )
