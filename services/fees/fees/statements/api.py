from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from fees.statements import service
from fees.statements.document import statement_pdf
from fees.statements.schemas import StatementOut
from propops.auth import Principal, current_principal
from propops.context import get_session

router = APIRouter(tags=["statements"])

PDF = {200: {"content": {"application/pdf": {}}, "description": "the statement as a PDF"}}
FROM = Query(None, alias="from", description="first day (default: the first of to's month)")
TO = Query(None, alias="to", description="last day (default: today in the unit's zone)")


@router.get(
    "/accounts/{unit_id}/statement", response_model=StatementOut, response_model_by_alias=True
)
async def statement(
    unit_id: str,
    start: date | None = FROM,
    end: date | None = TO,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> StatementOut:
    """The unit's statement (月結單): opening balance, charges and payments with the running
    balance, closing balance."""
    return await service.statement(session, unit_id, principal, start, end)


@router.get("/accounts/{unit_id}/statement.pdf", response_class=Response, responses=PDF)
async def statement_as_pdf(
    unit_id: str,
    start: date | None = FROM,
    end: date | None = TO,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """The same statement as a PDF a resident can be given (Chinese and English)."""
    s = await service.statement(session, unit_id, principal, start, end)
    name = f"statement-{s.from_date}-{s.to_date}.pdf"
    return Response(
        statement_pdf(s),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )
