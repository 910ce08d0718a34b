"""The dashboard's tables (the same numbers for the page's tables, charts and CSV files), from a
view as ``/api/views/dashboard`` answers it; names in the user's language."""

from __future__ import annotations

import csv
import io

from gateway.portal import dashboard
from gateway.portal.i18n import Formatter

VIEW = {
    "from": "2026-11-25",
    "to": "2026-11-27",
    "incomplete": True,
    "unavailable": [{"part": "arrears", "service": "fees", "reason": "fees is unreachable"}],
    "arrears": None,
    "complaints": {
        "recorded": 3,
        "per_day_series": {
            "days": ["2026-11-25", "2026-11-26", "2026-11-27"],
            "series": [
                {"nature": "communication", "kind": "vent", "counts": [0, 1, 0], "total": 1},
                {"nature": "valid", "kind": None, "counts": [2, 0, 0], "total": 2},
            ],
        },
        "by_department": [
            {"department": "engineering", "open": 2, "overdue": 1},
            {"department": "unassigned", "open": 1, "overdue": 0},
        ],
        "resolve_time": [],
        "satisfaction": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 2},
    },
}


def rows_of(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")  # spreadsheet programs read the Chinese right
    return list(csv.reader(io.StringIO(text[1:])))


def test_tables_charts_and_csv_show_the_same_numbers_in_chinese() -> None:
    tables = dashboard.tables(VIEW, Formatter("zh-Hant"))
    assert "arrears" not in tables  # fees was down: no table rather than an empty one
    per_day = rows_of(tables["per_day"].csv())
    assert per_day[0] == ["日期", "溝通性投訴 · 發泄型", "有效投訴", "合計"]
    assert per_day[1:] == [
        ["2026-11-25", "0", "2", "2"],
        ["2026-11-26", "1", "0", "1"],
        ["2026-11-27", "0", "0", "0"],
    ]
    chart = tables["per_day"].chart
    assert chart is not None
    assert [d["data"] for d in chart["data"]["datasets"]] == [[0, 1, 0], [2, 0, 0]]
    depts = rows_of(tables["departments"].csv())
    assert depts[1:] == [["工程部", "2", "1"], ["未派單", "1", "0"]]
    assert tables["resolve"].has_data is False  # nothing resolved: the page says so
    assert rows_of(tables["satisfaction"].csv())[4:] == [["4", "1"], ["5", "2"]]


def test_english_names() -> None:
    tables = dashboard.tables(VIEW, Formatter("en"))
    assert rows_of(tables["departments"].csv())[0] == ["Department", "Open", "Overdue"]
    assert rows_of(tables["departments"].csv())[1][0] == "Engineering"
