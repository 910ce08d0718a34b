"""``TaskFeature``: what ``build_service_app(tasks=...)`` needs to switch tasks on in a service:
the routes, the event handlers and the migrations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter

from propops.events.catalog import TASK_DEPARTMENTS
from propops.messaging.consumer import Handler
from propops.tasks.api import task_router
from propops.tasks.handlers import task_handlers

TASKS_SCRIPTS = Path(__file__).parent / "migrations"
TASKS_VERSION_TABLE = "alembic_version_propops_tasks"


@dataclass(frozen=True)
class TaskFeature:
    """Department tasks in one service, e.g. ``TaskFeature("engineering", "workorders")``
    serves ``/v1/workorders`` and emits ``propops.engineering.workorder.<verb>.v1``."""

    department: str
    path: str

    def __post_init__(self) -> None:
        if self.department not in TASK_DEPARTMENTS:
            raise ValueError(
                f"{self.department!r} has no tasks in the event catalog "
                f"(one of {sorted(TASK_DEPARTMENTS)})"
            )
        if not re.fullmatch(r"[a-z][a-z0-9-]*", self.path):
            raise ValueError(f"bad path {self.path!r}: lowercase letters, digits and '-'")

    @property
    def migrations(self) -> tuple[Path, str]:
        """Script folder and version table, for ``propops.migrations.upgrade``."""
        return TASKS_SCRIPTS, TASKS_VERSION_TABLE

    def router(self) -> APIRouter:
        return task_router(self.department, self.path)

    def handlers(self, namespace: str) -> dict[str, Handler]:
        return task_handlers(self.department, namespace)
