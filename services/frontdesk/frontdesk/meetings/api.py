from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.meetings import service
from frontdesk.meetings.models import ChecklistItem, MeetingBooking
from frontdesk.meetings.schemas import (
    BookingIn,
    BookingOut,
    CancelIn,
    ChecklistItemOut,
    CloseIn,
    KeysReturnedIn,
    RoomIn,
    RoomOut,
)
from propops.auth import Principal, current_principal
from propops.concurrency import IfMatch, parse_if_match, set_etag
from propops.context import get_session
from propops.idempotency import idempotent_create
from propops.lifecycle import guard
from propops.lists import ListQuery
from propops.pagination import Page, paginate

router = APIRouter(tags=["meetings"])

ACTION_DOC = (
    "Send the booking's version last read as `If-Match` (its `ETag`): 412 if it changed "
    "meanwhile. The answer carries the new `ETag`."
)


def booking_out(booking: MeetingBooking, items: list[ChecklistItem]) -> BookingOut:
    checklist = [ChecklistItemOut.model_validate(i) for i in items]
    return BookingOut.model_validate(booking).model_copy(
        update={"checklist": checklist, "prepared": all(i.done_at for i in items)}
    )


@router.post("/meeting-rooms", status_code=201, response_model=RoomOut)
async def add_room(
    data: RoomIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    async def create() -> RoomOut:
        return RoomOut.model_validate(await service.add_room(session, data, principal))

    return await idempotent_create(request, session, data, create)


@router.get("/meeting-rooms", response_model=Page[RoomOut])
async def list_rooms(
    query: ListQuery = Depends(service.ROOMS.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[RoomOut]:
    stmt = service.rooms_query(principal, query)
    return await paginate(session, stmt, query.page, RoomOut.model_validate)


@router.get("/meeting-rooms/{room_id}", response_model=RoomOut)
async def get_room(
    room_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> RoomOut:
    return RoomOut.model_validate(await service.get_room(session, room_id, principal))


@router.post(
    "/meeting-bookings",
    status_code=201,
    response_model=BookingOut,
    description="409 when the room is already booked at some moment of [start, end): the "
    "problem's `clash` names that booking (id, reference, start, end, organizer).",
)
async def book(
    data: BookingIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> JSONResponse:
    async def create() -> BookingOut:
        booking, items = await service.book(session, data, principal)
        return booking_out(booking, items)

    response = await idempotent_create(request, session, data, create)
    if response.status_code == 201:
        set_etag(response, 1)
    return response


@router.get("/meeting-bookings", response_model=Page[BookingOut])
async def list_bookings(
    query: ListQuery = Depends(service.BOOKINGS.dependency),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Page[BookingOut]:
    stmt = service.bookings_query(principal, query)
    page = await paginate(session, stmt, query.page, lambda booking: booking)
    items = [booking_out(b, await service.checklist(session, b.id)) for b in page.items]
    return Page[BookingOut](items=items, total=page.total, limit=page.limit, offset=page.offset)


@router.get("/meeting-bookings/{booking_id}", response_model=BookingOut)
async def get_booking(
    booking_id: str,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> BookingOut:
    booking = await service.get(session, booking_id, principal)
    set_etag(response, booking.version)
    return booking_out(booking, await service.checklist(session, booking.id))


@dataclass
class Action:
    """An action on one booking: loaded (property checked), the version expected."""

    session: AsyncSession
    principal: Principal
    booking: MeetingBooking
    expected: int | None
    response: Response

    async def run(self, change: Callable[[], Awaitable[object]]) -> BookingOut:
        async with guard(self.session, self.booking, self.expected, noun="booking"):
            await change()
        await self.session.commit()
        set_etag(self.response, self.booking.version)
        return booking_out(self.booking, await service.checklist(self.session, self.booking.id))


async def action(
    booking_id: str,
    response: Response,
    if_match: IfMatch = None,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> Action:
    expected = parse_if_match(if_match)
    booking = await service.get(session, booking_id, principal)
    return Action(session, principal, booking, expected, response)


@router.post(
    "/meeting-bookings/{booking_id}/checklist/{item_id}/tick",
    response_model=BookingOut,
    description="Mark one preparation item done. " + ACTION_DOC,
)
async def tick(item_id: str, act: Action = Depends(action)) -> BookingOut:
    user = act.principal.username
    return await act.run(lambda: service.tick(act.session, act.booking, item_id, user))


@router.post(
    "/meeting-bookings/{booking_id}/cancel", response_model=BookingOut, description=ACTION_DOC
)
async def cancel(data: CancelIn, act: Action = Depends(action)) -> BookingOut:
    user = act.principal.username
    return await act.run(lambda: service.cancel(act.session, act.booking, data.reason, user))


@router.post(
    "/meeting-bookings/{booking_id}/close",
    response_model=BookingOut,
    description="The cleanup after the meeting. Missing equipment raises a follow-up "
    "(`/v1/follow-ups`); keys not returned leave the booking `awaiting_keys`. " + ACTION_DOC,
)
async def close(data: CloseIn, act: Action = Depends(action)) -> BookingOut:
    user = act.principal.username
    return await act.run(lambda: service.close(act.session, act.booking, data, user))


@router.post(
    "/meeting-bookings/{booking_id}/keys-returned",
    response_model=BookingOut,
    description="The keys came back to the office: an `awaiting_keys` booking closes. "
    + ACTION_DOC,
)
async def keys_returned(data: KeysReturnedIn, act: Action = Depends(action)) -> BookingOut:
    user = act.principal.username
    return await act.run(
        lambda: service.return_keys(act.session, act.booking, data.returned_by, user)
    )
