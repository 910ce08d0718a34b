from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.callbacks import service as callbacks
from frontdesk.callbacks.models import Callback
from frontdesk.complaints import service as complaints
from frontdesk.settings import FrontdeskSettings
from propops.auth import Principal, current_principal
from propops.context import get_session
from propops.db import utcnow
from propops.lifecycle import guard
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["callbacks"])


class CallbackOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    complaint_id: str | None = Field(description="the complaint called back about, or")
    paid_service_id: str | None = Field(
        default=None, description="the paid service signed off (one of the two)"
    )
    paid_service_reference: str | None = Field(default=None, description="e.g. PS-2026-00003")
    complaint_reference: str | None = Field(default=None, description="e.g. C-2026-00042")
    summary: str | None = Field(default=None, description="the complaint's first line")
    complainant_name: str | None = None
    complainant_phone: str | None = Field(
        default=None, description="in full for the front desk (who dials it), else masked"
    )
    property_id: str
    round: int
    status: str
    due_at: datetime
    overdue: bool = False
    reached: bool | None
    satisfaction: int | None
    comment: str | None
    outcome: str | None
    attempts: list[dict]
    done_at: datetime | None
    recorded_by: str | None

    @classmethod
    def of(cls, callback: Callback) -> CallbackOut:
        out = cls.model_validate(callback)
        return out.model_copy(
            update={"overdue": callback.status == "due" and callback.due_at < utcnow()}
        )


class CallbackRecordIn(BaseModel):
    reached: bool
    satisfaction: int | None = Field(default=None, ge=1, le=5)
    comment: str | None = Field(default=None, max_length=2000)


@router.get("/callbacks", response_model=Page[CallbackOut])
async def list_callbacks(
    query: ListQuery = Depends(callbacks.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[CallbackOut]:
    stmt = callbacks.list_query(principal, query)
    result = await paginate(session, stmt, query.page, CallbackOut.of)
    await callbacks.with_complainants(session, result.items, principal)
    return result


@router.post("/callbacks/{callback_id}/record", response_model=CallbackOut)
async def record_callback(
    callback_id: str,
    data: CallbackRecordIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> CallbackOut:
    settings: FrontdeskSettings = request.app.state.settings
    callback = await callbacks.get(session, callback_id, principal)
    if callback.complaint_id is None:  # a paid service's
        await callbacks.record_for_paid_service(
            session,
            callback,
            reached=data.reached,
            satisfaction=data.satisfaction,
            comment=data.comment,
            actor=principal.username,
        )
        out = CallbackOut.of(callback)
        await callbacks.with_complainants(session, [out], principal)
        await session.commit()
        return out
    complaint = await complaints.get(session, callback.complaint_id)
    async with guard(session, complaint, noun="complaint"):
        await callbacks.record(
            session,
            settings,
            callback,
            complaint,
            reached=data.reached,
            satisfaction=data.satisfaction,
            comment=data.comment,
            actor=principal.username,
        )
    out = CallbackOut.of(callback)
    await callbacks.with_complainants(session, [out], principal)
    await session.commit()
    return out
