"""Leasing's events fees reacts to: contracts (rent in the billing runs) and venue bookings."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fees.contracts import service
from propops.events.catalog import verb_of
from propops.events.envelope import CloudEvent
from propops.events.payloads import ContractChanged, VenueBookingCancelled, VenueBookingSigned
from propops.messaging.subscriptions import On


async def on_contract(session: AsyncSession, change: ContractChanged, event: CloudEvent) -> None:
    await service.apply_contract(session, change, verb_of(event.type))


async def on_venue_booking_signed(
    session: AsyncSession, booking: VenueBookingSigned, event: CloudEvent
) -> None:
    await service.charge_venue_fee(session, booking)


async def on_venue_booking_cancelled(
    session: AsyncSession, cancelled: VenueBookingCancelled, event: CloudEvent
) -> None:
    await service.void_venue_fee(session, cancelled)


SUBSCRIPTIONS: list[On[Any]] = [
    On(ContractChanged, on_contract),
    On(VenueBookingSigned, on_venue_booking_signed),
    On(VenueBookingCancelled, on_venue_booking_cancelled),
]
