"""A complaint's callback rounds: one callback per resolution round (the round is the complaint's
reopen count), opened when the complaint is resolved or answered, closed when it is cancelled.
The complaint's rules call these; recording a callback is in ``callbacks.service``."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.callbacks.models import Callback
from frontdesk.complaints.lifecycle import add_step
from frontdesk.complaints.models import Complaint
from frontdesk.settings import FrontdeskSettings
from propops.db import utcnow


async def open_callback(
    session: AsyncSession, settings: FrontdeskSettings, complaint: Complaint
) -> Callback:
    """The callback of the complaint's current round, opened once."""
    existing = await session.scalar(
        select(Callback).where(
            Callback.complaint_id == complaint.id, Callback.round == complaint.reopen_count
        )
    )
    if existing is not None:
        return existing
    callback = Callback(
        complaint_id=complaint.id,
        property_id=complaint.property_id,
        round=complaint.reopen_count,
        status="due",
        due_at=utcnow() + timedelta(hours=settings.callback_due_hours),
        attempts=[],
    )
    session.add(callback)
    add_step(session, complaint, "callback_opened", None, due_at=callback.due_at.isoformat())
    await session.flush()
    return callback


async def close_due(session: AsyncSession, complaint: Complaint, *, outcome: str) -> None:
    """Close the complaint's callbacks still due (e.g. it was cancelled)."""
    due = await session.scalars(
        select(Callback).where(Callback.complaint_id == complaint.id, Callback.status == "due")
    )
    for callback in due.all():
        callback.status = "done"
        callback.outcome = outcome
        callback.done_at = utcnow()
