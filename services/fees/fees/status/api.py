from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from fees.accounts.service import account_of_unit
from fees.status.schemas import AccountStatusOut
from fees.status.service import compute_status
from propops.auth import Principal, current_principal
from propops.context import get_session

router = APIRouter(tags=["payment status"])


@router.get("/accounts/{unit_id}/status", response_model=AccountStatusOut)
async def payment_status(
    unit_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> AccountStatusOut:
    """A unit's payment status (繳費狀況) as of now: current, or arrears when any charge is
    unpaid after its due date (checked before release passes and communication complaints)."""
    account = await account_of_unit(session, unit_id, principal)
    return AccountStatusOut.model_validate(await compute_status(session, account))
