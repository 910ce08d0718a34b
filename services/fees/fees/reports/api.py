from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy.ext.asyncio import AsyncSession

from fees.reports import service
from fees.reports.schemas import ArrearsReport
from propops.auth import Principal, current_principal
from propops.context import get_session

router = APIRouter(tags=["reports"])


@router.get("/reports/arrears", response_model=ArrearsReport)
async def arrears(
    property_id: str | None = None,
    limit: int = Query(20, ge=0, le=200, description="how many units to list"),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ArrearsReport:
    """How many units are in arrears and the total overdue, with the largest listed."""
    return await service.arrears(session, principal, property_id=property_id, limit=limit)
