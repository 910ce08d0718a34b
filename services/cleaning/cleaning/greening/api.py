from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from cleaning.greening import service
from cleaning.greening.models import GreeningJob
from cleaning.greening.schemas import (
    ContractorIn,
    ContractorOut,
    GreeningJobDetail,
    GreeningJobIn,
    GreeningJobOut,
    ProgressIn,
)
from propops.auth import Principal, current_principal
from propops.concurrency import IfMatch, etag, expected_version, set_etag
from propops.context import ServiceContext, context_of, get_session
from propops.idempotency import idempotent_create
from propops.lifecycle import guard
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["greening"])


@router.post("/contractors", status_code=201, response_model=ContractorOut)
async def add_contractor(
    data: ContractorIn,
    request: Request,
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    """Register a greening contractor (綠化公司). Honours ``Idempotency-Key``."""

    async def create() -> ContractorOut:
        return ContractorOut.model_validate(await service.add_contractor(session, data))

    return await idempotent_create(request, session, data, create)


@router.get("/contractors", response_model=Page[ContractorOut])
async def list_contractors(
    query: ListQuery = Depends(service.CONTRACTORS.dependency),
    session: AsyncSession = Depends(get_session),
) -> Page[ContractorOut]:
    return await paginate(
        session, service.list_contractors(query), query.page, ContractorOut.model_validate
    )


@router.get("/contractors/{contractor_id}", response_model=ContractorOut)
async def get_contractor(
    contractor_id: str, session: AsyncSession = Depends(get_session)
) -> ContractorOut:
    return ContractorOut.model_validate(await service.get_contractor(session, contractor_id))


@router.post("/greening-jobs", status_code=201, response_model=GreeningJobOut)
async def create_job(
    data: GreeningJobIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
    ctx: ServiceContext = Depends(context_of),
) -> JSONResponse:
    """Give the contractor a planting or maintenance job, with its start and expected finish.
    Honours ``Idempotency-Key``."""

    async def create() -> GreeningJobOut:
        job = await service.create_job(
            session, data, principal, time_zone=ctx.settings.default_time_zone
        )
        names = await service.contractor_names(session, [job.contractor_id])
        return GreeningJobOut.of(job, names.get(job.contractor_id))

    response = await idempotent_create(request, session, data, create)
    response.headers["ETag"] = etag(json.loads(response.body)["version"])
    return response


@router.get("/greening-jobs", response_model=Page[GreeningJobOut])
async def list_jobs(
    query: ListQuery = Depends(service.JOBS.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[GreeningJobOut]:
    """Greening jobs; ``late=true``: those behind their expected progress today."""
    page = await paginate(
        session, service.list_jobs(principal, query), query.page, GreeningJobOut.of
    )
    names = await service.contractor_names(session, [j.contractor_id for j in page.items])
    for item in page.items:
        item.contractor_name = names.get(item.contractor_id)
    return page


async def _detail(session: AsyncSession, job: GreeningJob) -> GreeningJobDetail:
    names = await service.contractor_names(session, [job.contractor_id])
    lines = await service.history(session, job.id)
    return GreeningJobDetail.with_history(job, names.get(job.contractor_id), lines)


@router.get("/greening-jobs/{job_id}", response_model=GreeningJobDetail)
async def get_job(
    job_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> GreeningJobDetail:
    """A job with its progress history; the ``ETag`` is its version."""
    job = await service.get_job(session, job_id, principal)
    set_etag(response, job.version)
    return await _detail(session, job)


@router.post(
    "/greening-jobs/{job_id}/progress",
    response_model=GreeningJobDetail,
    responses={409: {"description": "the job is completed already"}},
)
async def report_progress(
    job_id: str,
    data: ProgressIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> GreeningJobDetail:
    """Report how far the job is (percent, never lower than before); 100 completes it.
    Takes the version last read as ``If-Match`` or ``version`` (412 if it changed)."""
    expected = expected_version(data.version, if_match)
    job = await service.get_job(session, job_id, principal)
    async with guard(session, job, expected, noun="greening job"):
        await service.report_progress(
            session, job, data.percent, data.notes, actor=principal.username
        )
    await session.commit()
    set_etag(response, job.version)
    return await _detail(session, job)
