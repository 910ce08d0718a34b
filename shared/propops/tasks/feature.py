"""``task_feature``: department tasks as a ``Feature`` of one service: the routes, the
subscriptions to the front desk's complaint events and the tasks' own migration history."""

from __future__ import annotations

import re
from pathlib import Path

from propops.events.catalog import TASK_DEPARTMENTS
from propops.feature import Feature
from propops.tasks.api import task_router
from propops.tasks.handlers import task_subscriptions

TASKS_SCRIPTS = Path(__file__).parent / "migrations"
TASKS_VERSION_TABLE = "alembic_version_propops_tasks"


def task_feature(department: str, path: str) -> Feature:
    """Tasks of ``department`` served at ``/v1/<path>``: ``task_feature("engineering",
    "workorders")`` serves ``/v1/workorders``, emits ``propops.engineering.workorder.<verb>.v1``."""
    if department not in TASK_DEPARTMENTS:
        raise ValueError(
            f"{department!r} has no tasks in the event catalog (one of {sorted(TASK_DEPARTMENTS)})"
        )
    if not re.fullmatch(r"[a-z][a-z0-9-]*", path):
        raise ValueError(f"bad path {path!r}: lowercase letters, digits and '-'")
    return Feature(
        name=f"{department}-tasks",
        routers=[task_router(department, path)],
        subscriptions=task_subscriptions(department),
        migrations=(TASKS_SCRIPTS, TASKS_VERSION_TABLE),
    )
