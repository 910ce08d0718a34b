from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from sqlalchemy.ext.asyncio import AsyncSession

from fees.billing_runs import service
from fees.billing_runs.schemas import BillingRunIn, BillingRunOut
from fees.settings import FeesSettings
from propops.auth import Principal, current_principal
from propops.context import ServiceContext, context_of, get_session
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["billing runs"])


@router.post(
    "/billing-runs",
    status_code=201,
    response_model=BillingRunOut,
    responses={200: {"model": BillingRunOut, "description": "the run of that period already"}},
)
async def start_run(
    data: BillingRunIn,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
    ctx: ServiceContext = Depends(context_of),
) -> BillingRunOut:
    """Start the property's billing run for a month (201), or answer the run it has for that
    month already (200). The run goes on after the answer: follow it with
    ``GET /v1/billing-runs/{id}`` (``status``, ``progress``, totals)."""
    run, created = await service.start_run(session, data, principal)
    if created:
        settings = ctx.settings
        chunk = settings.billing_run_chunk if isinstance(settings, FeesSettings) else service.CHUNK
        service.start_worker(ctx.db, run.id, chunk=chunk)
    else:
        response.status_code = 200
    return BillingRunOut.model_validate(run)


@router.get("/billing-runs", response_model=Page[BillingRunOut])
async def list_runs(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[BillingRunOut]:
    """The runs, latest period first."""
    stmt = service.list_runs(principal, query)
    return await paginate(session, stmt, query.page, BillingRunOut.model_validate)


@router.get("/billing-runs/{run_id}", response_model=BillingRunOut)
async def get_run(
    run_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> BillingRunOut:
    """A run's progress and totals."""
    return BillingRunOut.model_validate(await service.get_run(session, run_id, principal))
