from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from fees.payments.service import get_payment
from fees.receipts.document import receipt_pdf
from propops.auth import Principal, current_principal
from propops.context import get_session

router = APIRouter(tags=["receipts"])

PDF = {200: {"content": {"application/pdf": {}}, "description": "the receipt as a PDF"}}


@router.get("/payments/{payment_id}/receipt.pdf", response_class=Response, responses=PDF)
async def receipt(
    payment_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """The payment's receipt (收據) as a PDF, in Chinese and English."""
    payment = await get_payment(session, payment_id, principal)
    pdf = await receipt_pdf(session, payment)
    name = f"receipt-{payment.receipt_number or payment.id}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )
