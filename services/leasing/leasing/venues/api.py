from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from leasing.actions import ACTION_DOC, run_action
from leasing.text import ReasonIn
from leasing.venues import service
from leasing.venues.models import VenueBooking
from leasing.venues.schemas import (
    BookingDetail,
    BookingIn,
    BookingOut,
    BookingStepOut,
    CheckInIn,
    CheckOutIn,
    SignIn,
)
from propops.auth import Principal, current_principal
from propops.concurrency import IfMatch, set_etag
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["venue bookings"])


async def _detail(session: AsyncSession, booking: VenueBooking) -> BookingDetail:
    steps = await service.history(session, booking.id)
    return BookingDetail(
        **BookingOut.model_validate(booking).model_dump(),
        history=[BookingStepOut.model_validate(s) for s in steps],
    )


@router.post(
    "/venue-bookings",
    status_code=201,
    response_model=BookingOut,
    responses={409: {"description": "the venue is booked at that time"}},
)
async def book(
    data: BookingIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    """Book a venue for a time (status ``requested``, with its reference); no double booking.
    Honours ``Idempotency-Key``."""

    async def create() -> BookingOut:
        return BookingOut.model_validate(await service.book(session, data, principal))

    return await idempotent_create(request, session, data, create)


@router.get("/venue-bookings", response_model=Page[BookingOut])
async def list_bookings(
    query: ListQuery = Depends(service.LIST.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[BookingOut]:
    return await paginate(
        session, service.list_bookings(principal, query), query.page, BookingOut.model_validate
    )


@router.get("/venue-bookings/{booking_id}", response_model=BookingDetail)
async def get_booking(
    booking_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> BookingDetail:
    booking = await service.get(session, booking_id, principal)
    set_etag(response, booking.version)
    return await _detail(session, booking)


@router.post(
    "/venue-bookings/{booking_id}/sign",
    response_model=BookingOut,
    description="Sign the booking with its venue management fee: fees charges it at once "
    "(venue_booking.signed). " + ACTION_DOC,
)
async def sign(
    booking_id: str,
    data: SignIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> BookingOut:
    b = await service.get(session, booking_id, principal)
    await run_action(
        session,
        b,
        noun="venue booking",
        response=response,
        if_match=if_match,
        body_version=data.version,
        change=lambda: service.sign(session, b, data.fee, principal.username),
    )
    return BookingOut.model_validate(b)


@router.post(
    "/venue-bookings/{booking_id}/check-in",
    response_model=BookingOut,
    description="The organizer takes the venue (a note of its condition). " + ACTION_DOC,
)
async def check_in(
    booking_id: str,
    data: CheckInIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> BookingOut:
    b = await service.get(session, booking_id, principal)
    await run_action(
        session,
        b,
        noun="venue booking",
        response=response,
        if_match=if_match,
        body_version=data.version,
        change=lambda: service.check_in(session, b, data.note, principal.username),
    )
    return BookingOut.model_validate(b)


@router.post(
    "/venue-bookings/{booking_id}/check-out",
    response_model=BookingOut,
    description="The venue is handed back with a note of its condition; a damage raises an "
    "engineering work order (venue_booking.damage_reported). " + ACTION_DOC,
)
async def check_out(
    booking_id: str,
    data: CheckOutIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> BookingOut:
    b = await service.get(session, booking_id, principal)
    await run_action(
        session,
        b,
        noun="venue booking",
        response=response,
        if_match=if_match,
        body_version=data.version,
        change=lambda: service.check_out(session, b, data, principal.username),
    )
    return BookingOut.model_validate(b)


@router.post(
    "/venue-bookings/{booking_id}/cancel",
    response_model=BookingOut,
    description="Cancel a booking (a reason is required): a requested one, or a signed one "
    "before its start, whose venue fee fees then voids (venue_booking.cancelled). " + ACTION_DOC,
)
async def cancel(
    booking_id: str,
    data: ReasonIn,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> BookingOut:
    b = await service.get(session, booking_id, principal)
    await run_action(
        session,
        b,
        noun="venue booking",
        response=response,
        if_match=if_match,
        body_version=data.version,
        change=lambda: service.cancel(session, b, data.reason, principal.username),
    )
    return BookingOut.model_validate(b)
