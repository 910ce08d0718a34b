"""The manual's checklists (DOMAIN §2, §3, §6), seeded per property on first use.

Each item: ``code``, ``text_zh``, ``text_en`` and, where the daily inspection finds something
another department puts right, that ``department``.
"""

from __future__ import annotations

from typing import Any

# inspected department -> the department whose task rectifies its nonconformance
# (the greening contractor works through cleaning; the front desk's own items get no task)
TASK_DEPARTMENT: dict[str, str | None] = {
    "security": "security",
    "engineering": "engineering",
    "cleaning": "cleaning",
    "greening": "cleaning",
    "frontdesk": None,
}
TEMPLATE_DEPARTMENTS = (*TASK_DEPARTMENT, "daily")


def _item(code: str, zh: str, en: str, department: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"code": code, "text_zh": zh, "text_en": en}
    if department:
        item["department"] = department
    return item


DEFAULT_TEMPLATES: tuple[dict[str, Any], ...] = (
    {
        "department": "security",
        "name": "保安部檢查 Security inspection",
        "items": [
            _item("dress", "著裝整齊", "Dress and appearance"),
            _item("posts", "各崗位在崗及正常", "Every post staffed and normal"),
            _item("alert", "無人打瞌睡", "No one dozing on duty"),
        ],
    },
    {
        "department": "engineering",
        "name": "工程部檢查 Engineering inspection",
        "items": [
            _item("repairs_on_time", "維修及時", "Repairs done on time"),
            _item("follow_up", "完工後跟進", "Finished work followed up"),
        ],
    },
    {
        "department": "cleaning",
        "name": "保潔部檢查 Cleaning inspection",
        "items": [
            _item("hygiene", "環境衛生", "Hygiene"),
            _item("sanitation_incidents", "衛生事件已處理", "Sanitation incidents handled"),
        ],
    },
    {
        "department": "greening",
        "name": "綠化檢查 Greening inspection",
        "items": [
            _item("planting", "種植進度", "Planting progress"),
            _item("maintenance", "綠化養護", "Maintenance of plants"),
        ],
    },
    {
        "department": "daily",
        "name": "日常檢查 Daily building inspection",
        "items": [
            _item("hygiene", "環境衛生", "Hygiene", "cleaning"),
            _item("equipment", "設備設施", "Equipment and facilities", "engineering"),
            _item("notice_boards", "通知 / 公告欄", "Notice boards", "frontdesk"),
            _item("patrol_logs", "安全巡視表及值班記錄", "Patrol sheets and logbooks", "security"),
        ],
    },
)
