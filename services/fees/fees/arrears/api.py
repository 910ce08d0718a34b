from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from fees.arrears import service
from fees.arrears.schemas import ArrearsOut
from propops.auth import Principal, current_principal
from propops.context import get_session

router = APIRouter(tags=["arrears"])


MIN_AMOUNT = Query(Decimal("0"), ge=0, le=Decimal("1e12"), max_digits=14, decimal_places=2)


@dataclass(frozen=True)
class Filters:
    property_id: str | None = Query(None, max_length=36)
    min_days: int = Query(0, ge=0, le=36500, description="oldest overdue charge at least")
    min_amount: Decimal = MIN_AMOUNT


@router.get("/arrears", response_model=ArrearsOut)
async def arrears(
    filters: Filters = Depends(),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=1_000_000),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ArrearsOut:
    """Units in arrears, largest amount first, with the age buckets (0-30, 31-60, 61-90, 90+
    days overdue) of each and their totals."""
    result = await service.arrears(
        session,
        principal,
        property_id=filters.property_id,
        min_days=filters.min_days,
        min_amount=filters.min_amount,
    )
    return ArrearsOut(
        items=result.units[offset : offset + limit],
        total=len(result.units),
        limit=limit,
        offset=offset,
        amount=result.amount,
        buckets=result.buckets,
        as_of=result.as_of,
    )


CSV = {200: {"content": {"text/csv": {}}, "description": "every matching unit, as CSV"}}


@router.get("/arrears.csv", response_class=Response, responses=CSV)
async def arrears_csv(
    filters: Filters = Depends(),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """The same list as CSV (UTF-8 with a byte order mark, so spreadsheets read 中文)."""
    result = await service.arrears(
        session,
        principal,
        property_id=filters.property_id,
        min_days=filters.min_days,
        min_amount=filters.min_amount,
    )
    out = io.StringIO()
    csv.writer(out).writerows(service.csv_rows(result))
    name = f"arrears-{result.as_of.date().isoformat()}.csv"
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
