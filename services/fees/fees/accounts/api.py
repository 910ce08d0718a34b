from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from fees.accounts import service
from fees.accounts.schemas import AccountOut
from propops.auth import Principal, current_principal
from propops.context import get_session
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["accounts"])


@router.get("/accounts", response_model=Page[AccountOut])
async def list_accounts(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[AccountOut]:
    stmt = service.list_accounts(principal, query)
    return await paginate(session, stmt, query.page, AccountOut.model_validate)


@router.get("/accounts/{account_id}", response_model=AccountOut)
async def get_account(
    account_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> AccountOut:
    return AccountOut.model_validate(await service.get_account(session, account_id, principal))
