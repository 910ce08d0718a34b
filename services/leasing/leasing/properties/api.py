from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncSession

from leasing.properties import service
from propops.auth import Principal, current_principal
from propops.context import get_session
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["properties"])


class KnownPropertyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    code: str
    time_zone: str | None
    created_at: datetime


@router.get("/properties", response_model=Page[KnownPropertyOut])
async def list_properties(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[KnownPropertyOut]:
    """The properties leasing knows from the front desk's register (spaces are let in them)."""
    return await paginate(
        session,
        service.list_properties(principal, query),
        query.page,
        KnownPropertyOut.model_validate,
    )
