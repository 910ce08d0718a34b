"""保潔部 · Cleaning: a complaint dispatched by the front desk becomes a task, done over HTTP."""

from __future__ import annotations

from cleaning.app import create_app
from propops.testing.tasks import dispatch_to_completion


async def test_dispatched_complaint_becomes_a_task_completed_over_http(start_service) -> None:
    app = await start_service(create_app, "cleaning")
    assert await app.ctx.bus.wait_ready(within=15)
    task = await dispatch_to_completion(app, "cleaning", "tasks")
    assert task["status"] == "completed" and task["resolution_notes"] == "done and checked"
