"""The manager's dashboard figures as tables: ONE shape for the page's tables, its charts and the
CSV downloads, so the three always show the same numbers. Names come from ``labels``."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gateway.portal import labels
from gateway.portal.i18n import N_, Formatter

CHARTS: tuple[str, ...] = ("per_day", "departments", "resolve", "satisfaction", "arrears")

# chart colours (each series also has its name in the legend and its numbers in the table)
PALETTE = ("#136f80", "#f0a500", "#6b3fa0", "#1d5fa8", "#b3261e", "#1e7a46", "#8a5a00", "#5d6b7a")


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    numeric_from: int = 1  # columns from this index are numbers (right-aligned)
    chart: dict[str, Any] | None = None  # a Chart.js config; None: no chart for this table

    @property
    def has_data(self) -> bool:
        """Rows, and for a chart a number other than zero (zeros say less than "nothing")."""
        if not self.rows or self.chart is None:
            return bool(self.rows)
        return any(
            isinstance(v, int | float) and v for row in self.rows for v in row[self.numeric_from :]
        )

    def csv(self) -> str:
        """UTF-8 with a BOM so spreadsheet programs open Chinese names correctly."""
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(self.columns)
        writer.writerows([["" if v is None else v for v in row] for row in self.rows])
        return "\ufeff" + buf.getvalue()


def series_name(_: Callable[[str], str], nature: str, kind: str | None) -> str:
    if nature == "unclassified":
        return _(N_("Not yet classified"))
    name = labels.label(_, "nature", nature)
    return f"{name} · {labels.label(_, 'kind', kind)}" if kind else name


def _bar(labels_: list[str], datasets: list[dict[str, Any]], **options: Any) -> dict[str, Any]:
    return {"type": "bar", "data": {"labels": labels_, "datasets": datasets}, "options": options}


def tables(view: dict[str, Any], fm: Formatter) -> dict[str, Table]:
    """Every table the view's data allows (a part that is unavailable gives none)."""
    _ = fm.gettext
    out: dict[str, Table] = {}
    c = view.get("complaints")
    if c is not None:
        s = c["per_day_series"]
        names = [series_name(_, x["nature"], x["kind"]) for x in s["series"]]
        per_day = Table(
            "per_day",
            _("Complaints per day by nature and kind"),
            [_("Date"), *names, _("Total")],
        )
        for i, day in enumerate(s["days"]):
            counts = [x["counts"][i] for x in s["series"]]
            per_day.rows.append([day, *counts, sum(counts)])
        per_day.chart = _bar(
            [f"{int(d[5:7])}/{int(d[8:10])}" for d in s["days"]],
            [
                {"label": n, "data": x["counts"], "backgroundColor": PALETTE[i % len(PALETTE)]}
                for i, (n, x) in enumerate(zip(names, s["series"], strict=True))
            ],
            stacked=True,
        )
        out["per_day"] = per_day

        dept = Table(
            "departments",
            _("Open and overdue by department"),
            [_("Department"), _("Open"), _("Overdue")],
        )
        for d in c["by_department"]:
            dept.rows.append([_dept(_, d["department"]), d["open"], d["overdue"]])
        dept.chart = _bar(
            [r[0] for r in dept.rows],
            [
                {
                    "label": _("Open"),
                    "data": [r[1] for r in dept.rows],
                    "backgroundColor": PALETTE[0],
                },
                {
                    "label": _("Overdue"),
                    "data": [r[2] for r in dept.rows],
                    "backgroundColor": PALETTE[4],
                },
            ],
        )
        out["departments"] = dept

        resolve = Table(
            "resolve",
            _("Median time from record to resolve"),
            [_("Department"), _("Resolved"), _("Median hours")],
        )
        for d in c["resolve_time"]:
            resolve.rows.append([_dept(_, d["department"]), d["resolved"], d["median_hours"]])
        resolve.chart = _bar(
            [r[0] for r in resolve.rows],
            [
                {
                    "label": _("Median hours"),
                    "data": [r[2] for r in resolve.rows],
                    "backgroundColor": PALETTE[3],
                }
            ],
            horizontal=True,
        )
        out["resolve"] = resolve

        sat = Table(
            "satisfaction",
            _("Callback satisfaction (1–5)"),
            [_("Score"), _("Callbacks")],
        )
        for score in ("1", "2", "3", "4", "5"):
            sat.rows.append([score, c["satisfaction"].get(score, 0)])
        sat.chart = _bar(
            [f"{r[0]} ★" for r in sat.rows],
            [
                {
                    "label": _("Callbacks"),
                    "data": [r[1] for r in sat.rows],
                    "backgroundColor": ["#b3261e", "#d9822b", "#c9a227", "#5aa469", "#1e7a46"],
                }
            ],
        )
        out["satisfaction"] = sat

    a = view.get("arrears")
    if a is not None:
        arrears = Table(
            "arrears",
            _("Units in arrears"),
            [_("Unit"), _("Overdue amount"), _("Oldest overdue")],
        )
        for u in a["units"]:
            arrears.rows.append(
                [
                    f"{u['building']} {u['unit_number']}",
                    u["overdue_amount"],
                    u["oldest_overdue_date"],
                ]
            )
        out["arrears"] = arrears
    return out


def _dept(_: Callable[[str], str], value: str) -> str:
    if value == "unassigned":
        return _(N_("Not yet dispatched"))
    return labels.label(_, "department", value)
