from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.reports import service
from frontdesk.reports.schemas import ComplaintStats
from propops.auth import Principal, current_principal
from propops.context import get_session
from propops.periods import Period, period_params

router = APIRouter(tags=["reports"])


@router.get("/reports/complaints", response_model=ComplaintStats, response_model_by_alias=True)
async def complaint_stats(
    property_id: str | None = None,
    period: Period = Depends(period_params),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ComplaintStats:
    """The manager's figures about complaints over a period (default: the last 30 days)."""
    return await service.complaint_stats(session, principal, period, property_id=property_id)
