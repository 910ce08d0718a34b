"""Routes of one department's tasks: ``task_router(department, path)``.

``build_service_app`` mounts it under ``/v1`` behind the service's rights check (the
department's role reads and writes, ``manager`` reads, ``admin`` does everything); property
scoping follows the caller's ``property_ids``. Actions are ``POST /v1/<path>/{id}/<action>``;
they accept the version last read as ``If-Match`` (the ``ETag`` GET and actions answer) or as
``version`` in the body (412 if the task changed meanwhile; a wrong state is 409), and an
``Idempotency-Key``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from propops.auth import Principal, current_principal
from propops.concurrency import IfMatch, etag, expected_version
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lifecycle import guard
from propops.lists import ListQuery
from propops.pagination import Page, paginate
from propops.tasks import service
from propops.tasks.models import Task
from propops.tasks.schemas import (
    AssignIn,
    CompleteIn,
    HistoryOut,
    ReasonIn,
    TaskDetail,
    TaskOut,
    VersionIn,
)

Action = Callable[[Task], Awaitable[Task]]


@dataclass
class ActionCall:
    """What every action needs: the task, the caller, the session, the expected version."""

    task_id: str
    request: Request
    session: AsyncSession
    principal: Principal
    if_match: str | None

    @property
    def actor(self) -> str:
        return self.principal.username

    async def run(self, department: str, body: VersionIn | None, action: Action) -> JSONResponse:
        expected = expected_version(body.version if body else None, self.if_match)

        async def perform() -> TaskOut:
            task = await service.get(self.session, department, self.task_id, self.principal)
            # 412 if not at the expected version, or if another writer changes it first (409
            # then if no version was named)
            async with guard(self.session, task, expected, noun=service.label(department)):
                await action(task)
            return TaskOut.model_validate(task)

        response = await idempotent_create(
            self.request, self.session, body, perform, status_code=200
        )
        response.headers["ETag"] = etag(json.loads(response.body)["version"])
        return response


async def action_call(
    task_id: str,
    request: Request,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ActionCall:
    return ActionCall(task_id, request, session, principal, if_match)


def task_router(department: str, path: str) -> APIRouter:
    """The routes of ``department``'s tasks under ``/<path>`` (e.g. ``/workorders``)."""
    noun = service.label(department)
    router = APIRouter(prefix=f"/{path}", tags=[path])

    @router.get("", response_model=Page[TaskOut], summary=f"List {noun}s")
    async def list_tasks(
        query: ListQuery = Depends(service.LIST.dependency),
        principal: Principal = Depends(current_principal),
        session: AsyncSession = Depends(get_session),
    ) -> Page[TaskOut]:
        stmt = service.list_query(department, principal, query)
        return await paginate(session, stmt, query.page, TaskOut.model_validate)

    @router.get("/{task_id}", response_model=TaskDetail, summary=f"A {noun} and its history")
    async def get_task(
        task_id: str,
        response: Response,
        principal: Principal = Depends(current_principal),
        session: AsyncSession = Depends(get_session),
    ) -> TaskDetail:
        task = await service.get(session, department, task_id, principal)
        lines = await service.history(session, task.id)
        response.headers["ETag"] = etag(task.version)
        return TaskDetail(
            **TaskOut.model_validate(task).model_dump(),
            history=[HistoryOut.model_validate(line) for line in lines],
        )

    @router.post("/{task_id}/assign", response_model=TaskOut, summary=f"Assign a {noun}")
    async def assign_task(data: AssignIn, call: ActionCall = Depends(action_call)) -> JSONResponse:
        return await call.run(
            department,
            data,
            lambda task: service.assign(call.session, task, data.assignee, actor=call.actor),
        )

    @router.post("/{task_id}/start", response_model=TaskOut, summary=f"Start a {noun}")
    async def start_task(
        data: VersionIn | None = None, call: ActionCall = Depends(action_call)
    ) -> JSONResponse:
        return await call.run(
            department,
            data,
            lambda task: service.start(call.session, task, actor=call.actor),
        )

    @router.post("/{task_id}/complete", response_model=TaskOut, summary=f"Complete a {noun}")
    async def complete_task(
        data: CompleteIn, call: ActionCall = Depends(action_call)
    ) -> JSONResponse:
        return await call.run(
            department,
            data,
            lambda task: service.complete(
                call.session,
                task,
                data.resolution_notes,
                actor=call.actor,
            ),
        )

    @router.post("/{task_id}/reopen", response_model=TaskOut, summary=f"Reopen a {noun}")
    async def reopen_task(data: ReasonIn, call: ActionCall = Depends(action_call)) -> JSONResponse:
        return await call.run(
            department,
            data,
            lambda task: service.reopen(call.session, task, data.reason, actor=call.actor),
        )

    @router.post("/{task_id}/cancel", response_model=TaskOut, summary=f"Cancel a {noun}")
    async def cancel_task(data: ReasonIn, call: ActionCall = Depends(action_call)) -> JSONResponse:
        return await call.run(
            department,
            data,
            lambda task: service.cancel(call.session, task, data.reason, actor=call.actor),
        )

    return router
