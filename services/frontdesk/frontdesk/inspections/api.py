"""Routes of inspections: ``/v1/inspection-templates`` and ``/v1/inspections`` (a round:
start, record results, submit). Changes take ``If-Match`` (or ``version``) and answer the
``ETag``."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.inspections import service
from frontdesk.inspections.models import Inspection
from frontdesk.inspections.schemas import (
    ActionIn,
    InspectionIn,
    InspectionOut,
    ResultsIn,
    TemplateIn,
    TemplateOut,
    TemplateUpdate,
)
from frontdesk.nonconformances.models import Nonconformance
from frontdesk.settings import FrontdeskSettings
from propops.auth import Principal, current_principal
from propops.concurrency import IfMatch, expected_version, set_etag
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lifecycle import guard
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["inspections"])


@router.get("/inspection-templates", response_model=Page[TemplateOut])
async def list_templates(
    query: ListQuery = Depends(service.TEMPLATES.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[TemplateOut]:
    """With ``property_id``, the manual's defaults are seeded for that property first (once)."""
    property_id = query.filters.get("property_id")
    if property_id and principal.sees_property(property_id):
        if await service.ensure_defaults(session, property_id):
            await session.commit()
    return await paginate(
        session, service.list_templates(principal, query), query.page, TemplateOut.model_validate
    )


@router.post("/inspection-templates", status_code=201, response_model=TemplateOut)
async def create_template(
    data: TemplateIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    async def create() -> TemplateOut:
        return TemplateOut.model_validate(await service.create_template(session, data, principal))

    return await idempotent_create(request, session, data, create)


@router.get("/inspection-templates/{template_id}", response_model=TemplateOut)
async def get_template(
    template_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> TemplateOut:
    template = await service.get_template(session, template_id, principal)
    set_etag(response, template.version)
    return TemplateOut.model_validate(template)


@router.patch("/inspection-templates/{template_id}", response_model=TemplateOut)
async def update_template(
    template_id: str,
    data: TemplateUpdate,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> TemplateOut:
    template = await service.get_template(session, template_id, principal)
    async with guard(
        session, template, expected_version(data.version, if_match), noun="inspection template"
    ):
        await service.update_template(session, template, data)
    await session.commit()
    set_etag(response, template.version)
    return TemplateOut.model_validate(template)


async def _out(session: AsyncSession, inspection: Inspection) -> InspectionOut:
    ids = await session.scalars(
        select(Nonconformance.id).where(Nonconformance.inspection_id == inspection.id)
    )
    return InspectionOut.model_validate(inspection).model_copy(
        update={"nonconformance_ids": list(ids)}
    )


@router.get("/inspections", response_model=Page[InspectionOut])
async def list_inspections(
    query: ListQuery = Depends(service.ROUNDS.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[InspectionOut]:
    return await paginate(
        session, service.list_rounds(principal, query), query.page, InspectionOut.model_validate
    )


@router.post("/inspections", status_code=201, response_model=InspectionOut)
async def start_inspection(
    data: InspectionIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    async def create() -> InspectionOut:
        return InspectionOut.model_validate(await service.start(session, data, principal))

    return await idempotent_create(request, session, data, create)


@router.get("/inspections/{inspection_id}", response_model=InspectionOut)
async def get_inspection(
    inspection_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> InspectionOut:
    inspection = await service.get(session, inspection_id, principal)
    set_etag(response, inspection.version)
    return await _out(session, inspection)


@router.post("/inspections/{inspection_id}/results", response_model=InspectionOut)
async def record_results(
    inspection_id: str,
    data: ResultsIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> InspectionOut:
    inspection = await service.get(session, inspection_id, principal)
    async with guard(
        session, inspection, expected_version(data.version, if_match), noun="inspection"
    ):
        await service.record_results(session, inspection, data, principal.username)
    await session.commit()
    set_etag(response, inspection.version)
    return await _out(session, inspection)


@router.post("/inspections/{inspection_id}/submit", response_model=InspectionOut)
async def submit_inspection(
    inspection_id: str,
    request: Request,
    response: Response,
    data: ActionIn | None = None,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> InspectionOut:
    """Each failed item raises a nonconformance (its department is sent a task by event)."""
    settings: FrontdeskSettings = request.app.state.settings
    inspection = await service.get(session, inspection_id, principal)
    expected = expected_version(data.version if data else None, if_match)
    async with guard(session, inspection, expected, noun="inspection"):
        await service.submit(session, settings, inspection, principal)
    await session.commit()
    set_etag(response, inspection.version)
    return await _out(session, inspection)
