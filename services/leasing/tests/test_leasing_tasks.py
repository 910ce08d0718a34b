"""Leasing: a complaint dispatched by the front desk becomes a task, done over HTTP."""

from __future__ import annotations

from leasing.app import create_app
from propops.testing.tasks import dispatch_to_completion


async def test_dispatched_complaint_becomes_a_task_completed_over_http(start_service) -> None:
    app = await start_service(create_app, "leasing")
    assert await app.ctx.bus.wait_ready(within=15)
    task = await dispatch_to_completion(app, "leasing", "tasks")
    assert task["status"] == "completed" and task["resolution_notes"] == "done and checked"
