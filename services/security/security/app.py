"""保安部 · Security: posts and the roster, post checks, patrols, incidents, and tasks from the
front desk's complaints."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from propops.feature import Feature
from propops.service import build_service_app
from propops.settings import ServiceSettings
from propops.tasks import task_feature
from security.gate.api import router as gate_router
from security.gate.handlers import SUBSCRIPTIONS as GATE_SUBSCRIPTIONS
from security.incidents.api import router as incidents_router
from security.patrols.api import router as patrols_router
from security.patrols.sweep import missed_patrol_job
from security.post_checks.api import router as post_checks_router
from security.posts.api import router as posts_router
from security.settings import SecuritySettings
from security.shifts.api import router as shifts_router


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = SecuritySettings.of(settings)
    return build_service_app(
        settings,
        title="PropOps security",
        description="保安部 · Security: posts, roster, post checks, patrols, incidents, the "
        "gate (visitors, release passes), and tasks from the front desk's complaints.",
        features=[
            task_feature("security", path="tasks"),
            Feature("gate", routers=[gate_router], subscriptions=GATE_SUBSCRIPTIONS),
            Feature("posts", routers=[posts_router]),
            Feature("shifts", routers=[shifts_router]),
            Feature("post-checks", routers=[post_checks_router]),
            Feature(
                "patrols",
                routers=[patrols_router],
                jobs=[missed_patrol_job(settings.patrol_sweep_seconds)],
            ),
            Feature("incidents", routers=[incidents_router]),
        ],
        migrations=Path(__file__).parent / "migrations",
    )
