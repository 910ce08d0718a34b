"""An owner's opinion raised in a fees collection case becomes one complaint at the desk, even
when the event comes twice (a redelivery, a replayed dead letter: another event id)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select
from test_complaints import fd, place, republish

from frontdesk.complaints.models import Complaint
from propops.events.envelope import new_event
from propops.events.payloads import OwnerOpinionRaised
from propops.messaging.models import InboxRow
from propops.testing.fixtures import RunningApp, eventually

__all__ = ["fd", "place"]


async def test_an_opinion_becomes_one_complaint(fd: RunningApp, place: dict) -> None:
    opinion = OwnerOpinionRaised(
        opinion_id=str(uuid.uuid4()),
        case_id=str(uuid.uuid4()),
        property_id=place["property"],
        unit_id=place["unit"],
        text="電梯經常故障，不願繳費",
        recorded_by="collector",
        raised_at=datetime.now(UTC),
    )
    for _ in range(2):  # two events of the same opinion
        await republish(fd, new_event(opinion, subject=opinion.opinion_id))

    async def complaints() -> list[Complaint]:
        async with fd.ctx.db.sessions() as s:
            return list(
                await s.scalars(select(Complaint).where(Complaint.unit_id == place["unit"]))
            )

    assert await eventually(lambda: _count(fd, 2))  # both events handled
    found = await complaints()
    assert len(found) == 1
    assert "電梯經常故障" in found[0].description and found[0].created_by == "collector"
    assert found[0].reference and found[0].status == "recorded"


async def _count(fd: RunningApp, n: int) -> bool:
    async with fd.ctx.db.sessions() as s:
        handled = await s.scalar(
            select(func.count())
            .select_from(InboxRow)
            .where(InboxRow.type == "propops.fees.owner_opinion.raised.v1")
        )
    return (handled or 0) >= n
