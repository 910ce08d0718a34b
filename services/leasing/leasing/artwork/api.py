from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from leasing.artwork import service
from leasing.artwork.schemas import ArtworkOut
from propops.auth import Principal, current_principal
from propops.context import get_session
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["ads"])


@router.get("/artwork-documents", response_model=Page[ArtworkOut])
async def list_artwork(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[ArtworkOut]:
    """The artwork documents of the front desk's archive (category ``artwork``) leasing knows,
    learnt from the archive's events: what an ad's ``artwork_document_id`` may name."""
    return await paginate(
        session, service.list_artwork(principal, query), query.page, ArtworkOut.model_validate
    )
