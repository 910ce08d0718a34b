from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.reports import day, service
from frontdesk.reports.schemas import ComplaintStats, DeskDay
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


@router.get("/reports/day", response_model=DeskDay)
async def desk_day(
    property_id: str = Query(min_length=1, max_length=36),
    date_: date = Query(alias="date", description="the local day at the property (YYYY-MM-DD)"),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> DeskDay:
    """One local day of a property at the desk (the supervisor's daily review): handovers per
    post, complaints per department, callbacks, inspections and nonconformances, the
    signature; the day's window in UTC for the other departments' figures."""
    return await day.desk_day(session, principal, property_id, date_)
