"""Queries of callbacks. Recording one is a complaint rule: ``complaints.service.record_callback``
(its outcome closes or reopens the complaint)."""

from __future__ import annotations

from sqlalchemy import Select, select

from frontdesk.callbacks.models import Callback
from propops.auth import Principal, scope_to_properties


def list_query(
    principal: Principal,
    *,
    status: str | None = None,
    complaint_id: str | None = None,
    property_id: str | None = None,
) -> Select[tuple[Callback]]:
    stmt = scope_to_properties(
        select(Callback).order_by(Callback.due_at, Callback.id), Callback.property_id, principal
    )
    for column, value in (
        (Callback.status, status),
        (Callback.complaint_id, complaint_id),
        (Callback.property_id, property_id),
    ):
        if value:
            stmt = stmt.where(column == value)
    return stmt
