"""Rules of paid services (項目計費, DOMAIN §1.6: bill it, notify engineering, the resident
signs, follow up, call back).

Life cycle (``PAID_SERVICE``, ``propops.lifecycle``)::

    accept            quoted             -> accepted    (event: engineering makes a work order)
    work_order        accepted           -> accepted    (engineering's work order is known)
    complete          accepted           -> completed   (the work order was completed)
    sign_off          completed          -> signed_off  (event: fees charges the total, once;
                                                         a callback is opened)
    cancel            quoted | accepted  -> cancelled   (event: engineering cancels its order)

A quote prices its lines from the property's price list when it is made; later price changes
do not touch it, and the quoted total is what is charged. Engineering's events are taken as
they come (never refused); one about a paid service in another state is a repeat or a race
lost to a cancellation and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

import structlog
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.callbacks.models import Callback
from frontdesk.paid_services.models import (
    REFERENCE_PREFIX,
    STATUSES,
    PaidService,
    PaidServiceItem,
    PaidServiceStep,
)
from frontdesk.paid_services.schemas import ItemIn, ItemPatch, PaidServiceIn, SignOffIn
from frontdesk.parties.models import Party
from frontdesk.parties.service import occupants_now
from frontdesk.register.models import Property, Unit
from frontdesk.settings import FrontdeskSettings
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.db import new_id, utcnow
from propops.errors import Conflict, Invalid
from propops.events.catalog import paid_service_event_type
from propops.events.payloads import Contact, PaidServiceChanged, PaidServiceLine, Place
from propops.lifecycle import Event, Lifecycle
from propops.lists import Filter, ListQuery, ListSpec, contains
from propops.masking import phone_for, summary_of
from propops.money import ZERO, money
from propops.references import next_reference

log = structlog.get_logger("frontdesk.paid_services")

PAID_SERVICE = Lifecycle(
    "paid service",
    {
        "accept": (("quoted",), "accepted"),
        "work_order": (("accepted",), None),
        "complete": (("accepted",), "completed"),
        "sign_off": (("completed",), "signed_off"),
        "cancel": (("quoted", "accepted"), "cancelled"),
        "callback": (("signed_off",), None),
    },
)
ENGINEERING = "engineering"


# --- the price list ------------------------------------------------------------------------------


async def _property(session: AsyncSession, property_id: str, principal: Principal) -> Property:
    prop = await session.get(Property, property_id)
    if prop is None:
        raise Invalid(f"property {property_id} does not exist", field="property_id")
    check_property(principal, prop.id)
    return prop


async def add_item(session: AsyncSession, data: ItemIn, principal: Principal) -> PaidServiceItem:
    prop = await _property(session, data.property_id, principal)
    clash = await session.scalar(
        select(PaidServiceItem.id).where(
            PaidServiceItem.property_id == prop.id, PaidServiceItem.code == data.code
        )
    )
    if clash is not None:
        raise Conflict(
            f"{prop.code} already has an item {data.code!r}", field="code", item_id=clash
        )
    item = PaidServiceItem(
        property_id=prop.id,
        code=data.code,
        name=data.name,
        unit_price=data.unit_price,
        active=True,
    )
    session.add(item)
    await session.flush()
    return item


async def get_item(session: AsyncSession, item_id: str, principal: Principal) -> PaidServiceItem:
    return await get_visible(
        session, PaidServiceItem, item_id, principal, noun="price list item", field="item_id"
    )


def change_item(item: PaidServiceItem, data: ItemPatch) -> PaidServiceItem:
    for name in ("name", "unit_price", "active"):
        if name in data.model_fields_set:
            value = getattr(data, name)
            if value is None:
                raise Invalid(f"{name} cannot be null", field=name)
            setattr(item, name, value)
    return item


ITEMS = ListSpec(
    filters=(
        Filter("property_id", column=PaidServiceItem.property_id, max_length=36),
        Filter("active", type=bool, column=PaidServiceItem.active),
        Filter("code", column=PaidServiceItem.code, max_length=40),
    ),
    sort={
        "code": PaidServiceItem.code,
        "name": PaidServiceItem.name,
        "unit_price": PaidServiceItem.unit_price,
    },
    default_sort="code",
    id_column=PaidServiceItem.id,
)


def list_items(principal: Principal, query: ListQuery | None = None) -> Select[Any]:
    stmt = scope_to_properties(select(PaidServiceItem), PaidServiceItem.property_id, principal)
    return ITEMS.apply(stmt, query or ITEMS.query())


# --- quotes ---------------------------------------------------------------------------------


async def _unit(session: AsyncSession, unit_id: str, principal: Principal) -> Unit:
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise Invalid(f"unit {unit_id} does not exist", field="unit_id")
    check_property(principal, unit.property_id)
    return unit


async def _occupant(session: AsyncSession, unit: Unit, party_id: str, field: str) -> Party:
    """A party who holds the unit today (owner, tenant or resident), else 422 on ``field``."""
    party = await session.get(Party, party_id)
    if party is None:
        raise Invalid(f"party {party_id} does not exist", field=field)
    if party_id not in {o.party_id for o in await occupants_now(session, unit.id)}:
        raise Invalid(
            f"{party.name} does not own, rent or live in unit {unit.building} {unit.number}",
            field=field,
        )
    return party


async def _priced_lines(
    session: AsyncSession, property_id: str, data: PaidServiceIn
) -> list[dict[str, str]]:
    codes = [line.item_code for line in data.lines]
    items = {
        i.code: i
        for i in await session.scalars(
            select(PaidServiceItem).where(
                PaidServiceItem.property_id == property_id, PaidServiceItem.code.in_(codes)
            )
        )
    }
    seen: set[str] = set()
    lines = []
    for n, line in enumerate(data.lines):
        field = f"lines.{n}.item_code"
        item = items.get(line.item_code)
        if item is None or not item.active:
            why = "is not on" if item is None else "was withdrawn from"
            raise Invalid(f"item {line.item_code!r} {why} the property's price list", field=field)
        if line.item_code in seen:
            raise Invalid(f"item {line.item_code!r} is listed twice", field=field)
        seen.add(line.item_code)
        lines.append(
            {
                "item_code": item.code,
                "name": item.name,
                "quantity": str(line.quantity),
                "unit_price": f"{item.unit_price:.2f}",
                "amount": f"{money(item.unit_price * line.quantity):.2f}",
            }
        )
    return lines


async def quote(session: AsyncSession, data: PaidServiceIn, principal: Principal) -> PaidService:
    unit = await _unit(session, data.unit_id, principal)
    await _occupant(session, unit, data.party_id, "party_id")
    lines = await _priced_lines(session, unit.property_id, data)
    prop = await session.get(Property, unit.property_id)
    assert prop is not None
    paid = PaidService(
        id=new_id(),
        property_id=unit.property_id,
        unit_id=unit.id,
        party_id=data.party_id,
        reference=await next_reference(
            session, REFERENCE_PREFIX, prop.id, time_zone=prop.time_zone
        ),
        lines=lines,
        total=money(sum((money(line["amount"]) for line in lines), ZERO)),
        notes=data.notes,
        status="quoted",
        quoted_by=principal.username,
    )
    session.add(paid)
    await session.flush()
    session.add(_step(paid, "quoted", principal.username, total=f"{paid.total:.2f}"))
    await session.flush()
    return paid


async def get(session: AsyncSession, paid_id: str, principal: Principal) -> PaidService:
    return await get_visible(
        session, PaidService, paid_id, principal, noun="paid service", field="paid_service_id"
    )


def _step(paid: PaidService, action: str, actor: str | None, **details: Any) -> PaidServiceStep:
    return PaidServiceStep(
        paid_service_id=paid.id,
        at=utcnow(),
        actor=actor,
        action=action,
        status=paid.status,
        details={k: v for k, v in details.items() if v is not None},
    )


def description(paid: PaidService) -> str:
    """What engineering reads on its work order: the lines, then the desk's notes."""
    text = "; ".join(f"{line['name']} x {line['quantity']}" for line in paid.lines)
    text = f"Paid service {paid.reference}: {text}"
    return f"{text}\n{paid.notes}" if paid.notes else text


async def _whereabouts(session: AsyncSession, paid: PaidService) -> tuple[Place, Contact]:
    """Where engineering goes and whom it calls: the unit as registered, the resident asking."""
    prop = await session.get(Property, paid.property_id)
    unit = await session.get(Unit, paid.unit_id)
    party = await session.get(Party, paid.party_id)
    assert prop is not None and unit is not None and party is not None
    place = Place(
        property_name=prop.name,
        property_code=prop.code,
        time_zone=prop.time_zone,
        building=unit.building,
        unit_number=unit.number,
        floor=unit.floor,
    )
    return place, Contact(name=party.name, phone=party.phone)


def _event(
    paid: PaidService,
    verb: str,
    actor: str | None,
    reason: str | None = None,
    whereabouts: tuple[Place, Contact] | None = None,
) -> Event:
    place, contact = whereabouts or (None, None)
    return Event(
        PaidServiceChanged(
            paid_service_id=paid.id,
            reference=paid.reference,
            property_id=paid.property_id,
            unit_id=paid.unit_id,
            party_id=paid.party_id,
            status=paid.status,
            lines=[PaidServiceLine.model_validate(line) for line in paid.lines],
            total=paid.total,
            notes=paid.notes,
            description=description(paid),
            place=place,
            contact=contact,
            satisfied=paid.satisfied,
            reason=reason,
            actor=actor,
            at=utcnow(),
        ),
        subject=paid.id,
        event_type=paid_service_event_type(verb),
    )


async def accept(session: AsyncSession, paid: PaidService, actor: str) -> PaidService:
    PAID_SERVICE.check(paid, "accept")
    whereabouts = await _whereabouts(session, paid)
    paid.accepted_by = actor
    paid.accepted_at = utcnow()
    return await PAID_SERVICE.apply(
        session,
        paid,
        "accept",
        step=lambda p: _step(p, "accepted", actor),
        events=lambda p: [_event(p, "accepted", actor, whereabouts=whereabouts)],
    )


async def cancel(session: AsyncSession, paid: PaidService, actor: str, reason: str) -> PaidService:
    PAID_SERVICE.check(paid, "cancel", hint="the work is done: sign it off instead")
    had_work_order = paid.status == "accepted"
    paid.cancelled_by = actor
    paid.cancelled_at = utcnow()
    paid.cancel_reason = reason
    return await PAID_SERVICE.apply(
        session,
        paid,
        "cancel",
        step=lambda p: _step(p, "cancelled", actor, reason=reason),
        # only an accepted one has (or will have) a work order to cancel
        events=lambda p: [_event(p, "cancelled", actor, reason)] if had_work_order else [],
    )


async def sign_off(
    session: AsyncSession,
    settings: FrontdeskSettings,
    paid: PaidService,
    data: SignOffIn,
    actor: str,
) -> PaidService:
    """The resident signs for the work: fees charges the quoted total (by event, once) and the
    desk's callback is opened (due in ``callback_due_hours``)."""
    PAID_SERVICE.check(paid, "sign_off", hint="engineering's work order is not completed yet")
    unit = await session.get(Unit, paid.unit_id)
    assert unit is not None
    await _occupant(session, unit, data.signed_by_party_id, "signed_by_party_id")
    paid.signed_by_party_id = data.signed_by_party_id
    paid.satisfied = data.satisfied
    paid.sign_off_comment = data.comment
    paid.signed_off_by = actor
    paid.signed_off_at = utcnow()
    await PAID_SERVICE.apply(
        session,
        paid,
        "sign_off",
        step=lambda p: _step(
            p, "signed_off", actor, satisfied=data.satisfied, comment=data.comment
        ),
        events=lambda p: [_event(p, "signed_off", actor)],
    )
    callback = Callback(
        paid_service_id=paid.id,
        property_id=paid.property_id,
        round=0,
        status="due",
        due_at=utcnow() + timedelta(hours=settings.callback_due_hours),
        attempts=[],
    )
    session.add(callback)
    session.add(_step(paid, "callback_opened", None, due_at=callback.due_at.isoformat()))
    await session.flush()
    return paid


async def callback_recorded(
    session: AsyncSession,
    paid_id: str,
    actor: str,
    reached: bool,
    satisfaction: int | None,
    comment: str | None,
) -> None:
    """A call back after the sign-off, on the paid service's history."""
    paid = await session.get(PaidService, paid_id)
    assert paid is not None
    await PAID_SERVICE.apply(
        session,
        paid,
        "callback",
        step=lambda p: _step(
            p,
            "callback_recorded" if reached else "callback_attempt",
            actor,
            reached=reached,
            satisfaction=satisfaction,
            comment=comment,
        ),
    )


class CallbackItem(Protocol):
    paid_service_id: str | None
    paid_service_reference: str | None
    summary: str | None
    complainant_name: str | None
    complainant_phone: str | None


async def with_paid_services(
    session: AsyncSession, items: Sequence[CallbackItem], principal: Principal
) -> None:
    """Fill in on paid-service callbacks who to call (the resident who asked; the phone in full
    for the front desk) and about what (the reference, the lines)."""
    ids = {item.paid_service_id for item in items if item.paid_service_id}
    if not ids:
        return
    rows = (
        await session.execute(
            select(PaidService, Party)
            .join(Party, Party.id == PaidService.party_id)
            .where(PaidService.id.in_(ids))
        )
    ).all()
    found = {paid.id: (paid, party) for paid, party in rows}
    for item in items:
        if item.paid_service_id not in found:
            continue
        paid, party = found[item.paid_service_id]
        item.paid_service_reference = paid.reference
        item.summary = summary_of(description(paid))
        item.complainant_name = party.name
        item.complainant_phone = phone_for(party.phone, principal.roles)


async def history(session: AsyncSession, paid_id: str) -> list[PaidServiceStep]:
    stmt = (
        select(PaidServiceStep)
        .where(PaidServiceStep.paid_service_id == paid_id)
        .order_by(PaidServiceStep.at, PaidServiceStep.id)
    )
    return list((await session.scalars(stmt)).all())


LIST = ListSpec(
    filters=(
        Filter("property_id", column=PaidService.property_id, max_length=36),
        Filter("unit_id", column=PaidService.unit_id, max_length=36),
        Filter("party_id", column=PaidService.party_id, max_length=36),
        Filter("status", column=PaidService.status, values=STATUSES),
    ),
    sort={
        "created_at": PaidService.created_at,
        "total": PaidService.total,
        "reference": PaidService.reference,
    },
    default_sort="-created_at",
    id_column=PaidService.id,
    search=contains(func.lower(PaidService.reference)),
    search_description="part of the reference, e.g. PS-2026-00003",
)


def list_query(principal: Principal, query: ListQuery | None = None) -> Select[Any]:
    stmt = scope_to_properties(select(PaidService), PaidService.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())


# --- engineering's work order --------------------------------------------------------------------


async def _for_event(session: AsyncSession, paid_id: str, action: str) -> PaidService | None:
    paid = await session.get(PaidService, paid_id)
    if paid is None:
        log.warning("paid_service_unknown", paid_service_id=paid_id, action=action)
        return None
    if not PAID_SERVICE.can(paid.status, action):
        log.info("paid_service_event_ignored", paid_service_id=paid_id, status=paid.status)
        return None
    return paid


async def work_order_created(
    session: AsyncSession, paid_id: str, task_id: str, reference: str | None, at: datetime
) -> None:
    paid = await _for_event(session, paid_id, "work_order")
    if paid is None or paid.work_order_id == task_id:
        return
    paid.work_order_id = task_id
    paid.work_order_reference = reference
    await PAID_SERVICE.apply(
        session,
        paid,
        "work_order",
        step=lambda p: _step(p, "work_order_created", ENGINEERING, work_order=reference),
    )


async def work_order_completed(
    session: AsyncSession,
    paid_id: str,
    task_id: str,
    reference: str | None,
    notes: str | None,
    at: datetime,
) -> None:
    paid = await _for_event(session, paid_id, "complete")
    if paid is None:
        return
    paid.work_order_id = paid.work_order_id or task_id
    paid.work_order_reference = paid.work_order_reference or reference
    paid.completed_at = at
    paid.completion_notes = notes
    await PAID_SERVICE.apply(
        session,
        paid,
        "complete",
        step=lambda p: _step(p, "completed", ENGINEERING, work_order=reference, notes=notes),
    )
