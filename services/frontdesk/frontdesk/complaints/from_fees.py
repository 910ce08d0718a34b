"""An owner's opinion raised in a fees collection case becomes a complaint at the desk, once
per opinion (the complaint's ``source_key``), recorded by the collector who heard it."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.complaints import service
from frontdesk.complaints.models import Complaint
from frontdesk.complaints.schemas import ComplaintIn
from frontdesk.settings import FrontdeskSettings
from propops.errors import Invalid
from propops.events.payloads import OwnerOpinionRaised

log = logging.getLogger(__name__)

PREFIX = "[管理費追收 Fee collection]"


async def record_owner_opinion(
    session: AsyncSession, settings: FrontdeskSettings, opinion: OwnerOpinionRaised
) -> Complaint | None:
    key = f"fees-opinion:{opinion.opinion_id}"
    existing = await session.scalar(select(Complaint).where(Complaint.source_key == key))
    if existing is not None:
        return existing
    data = ComplaintIn(
        property_id=opinion.property_id,
        unit_id=opinion.unit_id,
        channel="walk_in",
        description=f"{PREFIX} {opinion.text}"[:4000],
    )
    try:
        complaint = await service.record(session, settings, data, opinion.recorded_by)
    except Invalid as e:  # a property or unit the desk does not know: a retry would not help
        log.warning("opinion %s not recorded as a complaint: %s", opinion.opinion_id, e)
        return None
    complaint.source_key = key
    await session.flush()
    return complaint
