"""Paged lists, answered the same way by every service: ``{items, total, limit, offset}``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")

# The largest value an integer query parameter takes (422 beyond): far above any real list,
# far below where SQLite and PostgreSQL integers overflow (2**63 - 1).
MAX_QUERY_INT = 2**31 - 1


class PageParams(BaseModel):
    limit: int = 50
    offset: int = 0


def page_params(
    limit: int = Query(50, ge=1, le=500, description="items per page"),
    offset: int = Query(0, ge=0, le=MAX_QUERY_INT, description="items to skip"),
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


async def paginate(
    session: AsyncSession, stmt: Select[Any], params: PageParams, to_item: Callable[[Any], T]
) -> Page[T]:
    total = await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = (await session.scalars(stmt.limit(params.limit).offset(params.offset))).all()
    return Page[T](
        items=[to_item(r) for r in rows],
        total=int(total or 0),
        limit=params.limit,
        offset=params.offset,
    )
