"""Where to go and who to call for a complaint, read from the register, the parties, the phone
log and Open311: copied into the dispatch event (a department's task carries them) and shown
on callback items (the clerk dials the complainant)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.calls.models import Call
from frontdesk.complaints.models import Complaint
from frontdesk.open311.models import Open311Request
from frontdesk.parties.models import Party
from frontdesk.register.models import Property, Unit
from propops.events.payloads import Contact, Place


async def place_of(session: AsyncSession, complaint: Complaint) -> Place:
    """The property and unit (building, number, floor) as registered now, and the location."""
    prop = await session.get(Property, complaint.property_id)
    unit = await session.get(Unit, complaint.unit_id) if complaint.unit_id else None
    return Place(
        property_name=prop.name if prop else None,
        property_code=prop.code if prop else None,
        time_zone=prop.time_zone if prop else None,
        building=unit.building if unit else None,
        unit_number=unit.number if unit else None,
        floor=unit.floor if unit else None,
        location=complaint.location,
    )


async def contact_of(session: AsyncSession, complaint: Complaint) -> Contact | None:
    """The complainant: the party named on the complaint (or confirmed at the desk), else the
    caller of the phone call it came from, else the Open311 reporter; None if nobody is known."""
    party_id = complaint.party_id or complaint.identity_party_id
    party = await session.get(Party, party_id) if party_id else None
    if party is not None:
        return Contact(name=party.name, phone=party.phone)
    call = await session.get(Call, complaint.call_id) if complaint.call_id else None
    if call is not None:
        return Contact(name=call.caller_name, phone=call.phone)
    request = await session.get(Open311Request, complaint.id)
    if request is not None and (request.phone or request.first_name or request.last_name):
        name = " ".join(n for n in (request.first_name, request.last_name) if n) or None
        return Contact(name=name, phone=request.phone)
    return None
