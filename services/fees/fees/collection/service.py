"""Rules of collection (DOMAIN §5): a case is opened for a unit in arrears (one open case per
unit); staff record attempts (door or phone), appointments, promises to pay and the owner's
raised opinions on it; a payment that clears the arrears closes the case in the payment's own
transaction. An opinion never pauses the debt; with ``raise_complaint`` it is published for the
front desk, which records it as a complaint once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import available_timezones

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from fees.accounts.models import Account
from fees.accounts.service import account_of_unit
from fees.arrears.service import arrears
from fees.charges.models import Charge, overdue_on
from fees.collection.models import (
    CLOSED,
    OPEN,
    PROMISE_STATUSES,
    Appointment,
    Attempt,
    CaseStep,
    CollectionCase,
    Opinion,
    Promise,
)
from fees.collection.promises import keep_promises
from fees.collection.schemas import AppointmentIn, AttemptIn, OpinionIn, PromiseIn
from propops.auth import Principal, get_visible, scope_to_properties
from propops.db import utcnow
from propops.errors import Conflict
from propops.events.payloads import OwnerOpinionRaised
from propops.lifecycle import Event, Lifecycle
from propops.lists import Filter, ListQuery, ListSpec
from propops.timezones import day_window

CASE = Lifecycle(
    "collection case",
    {
        "attempt": ((OPEN,), None),
        "appoint": ((OPEN,), None),
        "promise": ((OPEN,), None),
        "opinion": ((OPEN,), None),
        "settled": ((OPEN,), CLOSED),  # a payment cleared the arrears
    },
)


async def open_case(session: AsyncSession, unit_id: str, principal: Principal) -> CollectionCase:
    """409 if the unit is not in arrears or already has an open case."""
    account = await account_of_unit(session, unit_id, principal)
    owed = await arrears(session, principal, unit_id=unit_id)
    if not owed.units:
        raise Conflict(f"unit {unit_id} is not in arrears", field="unit_id")
    if await open_case_of(session, account.id) is not None:
        raise Conflict(f"unit {unit_id} has an open collection case", field="unit_id")
    case = CollectionCase(
        property_id=account.property_id,
        account_id=account.id,
        unit_id=account.unit_id,
        status=OPEN,
        opening_amount=owed.amount,
        opened_by=principal.username,
        step_count=1,
    )
    session.add(case)
    await session.flush()
    session.add(CaseStep(case_id=case.id, action="opened", status=OPEN, actor=principal.username))
    await session.flush()
    return case


async def open_case_of(session: AsyncSession, account_id: str) -> CollectionCase | None:
    return await session.scalar(
        select(CollectionCase).where(
            CollectionCase.account_id == account_id, CollectionCase.status == OPEN
        )
    )


async def get_case(session: AsyncSession, case_id: str, principal: Principal) -> CollectionCase:
    return await get_visible(
        session, CollectionCase, case_id, principal, noun="collection case", field="case_id"
    )


async def _step(
    session: AsyncSession,
    case: CollectionCase,
    action: str,
    actor: str,
    note: str | None,
    events: list[Event] | None = None,
) -> None:
    CASE.check(case, action)
    case.step_count += 1
    await CASE.apply(
        session,
        case,
        action,
        step=lambda c: CaseStep(
            case_id=c.id, action=action, status=c.status, actor=actor, note=note
        ),
        events=events or [],
    )


async def add_attempt(
    session: AsyncSession, case: CollectionCase, data: AttemptIn, actor: str
) -> Attempt:
    CASE.check(case, "attempt")
    attempt = Attempt(
        case_id=case.id,
        method=data.method.value,
        reached=data.reached,
        spoke_to=data.spoke_to,
        outcome=data.outcome,
        notes=data.notes,
        by=actor,
    )
    session.add(attempt)
    await _step(session, case, "attempt", actor, f"{data.method.value}: {data.outcome}")
    return attempt


async def add_appointment(
    session: AsyncSession, case: CollectionCase, data: AppointmentIn, actor: str
) -> Appointment:
    CASE.check(case, "appoint")
    appointment = Appointment(
        case_id=case.id,
        property_id=case.property_id,
        at=data.at.astimezone(UTC),
        place=data.place,
        notes=data.notes,
        by=actor,
    )
    session.add(appointment)
    await _step(session, case, "appoint", actor, f"{data.at.isoformat()} {data.place}")
    return appointment


async def add_promise(
    session: AsyncSession, case: CollectionCase, data: PromiseIn, actor: str
) -> Promise:
    CASE.check(case, "promise")
    promise = Promise(case_id=case.id, pay_by=data.date, amount=data.amount, by=actor)
    session.add(promise)
    await _step(session, case, "promise", actor, f"{data.amount} by {data.date.isoformat()}")
    return promise


async def add_opinion(
    session: AsyncSession, case: CollectionCase, data: OpinionIn, actor: str
) -> Opinion:
    """Record the owner's opinion; with ``raise_complaint`` publish it for the front desk in the
    same transaction. The case (and the debt) goes on."""
    CASE.check(case, "opinion")
    opinion = Opinion(
        case_id=case.id, text=data.text, raise_complaint=data.raise_complaint, by=actor, at=utcnow()
    )
    session.add(opinion)
    await session.flush()
    events = []
    if data.raise_complaint:
        events.append(
            Event(
                OwnerOpinionRaised(
                    opinion_id=opinion.id,
                    case_id=case.id,
                    property_id=case.property_id,
                    unit_id=case.unit_id,
                    text=data.text,
                    recorded_by=actor,
                    raised_at=opinion.at,
                ),
                subject=opinion.id,
            )
        )
    await _step(session, case, "opinion", actor, data.text[:200], events)
    return opinion


async def close_if_cleared(
    session: AsyncSession, account: Account, *, today: date | None = None
) -> CollectionCase | None:
    """After a payment (same transaction): close the account's open case if nothing is overdue
    any more."""
    case = await open_case_of(session, account.id)
    if case is None:
        return None
    still_overdue = await session.scalar(
        select(exists().where(Charge.account_id == account.id, overdue_on(today)))
    )
    if still_overdue:
        return None
    case.closed_reason = "paid"
    case.closed_at = utcnow()
    await _step(session, case, "settled", "system", "arrears cleared by a payment")
    await keep_promises(session, account, cleared=True)
    return case


async def details(session: AsyncSession, case: CollectionCase) -> dict[str, object]:
    async def rows(model: type, order: ColumnElement[object]) -> list[object]:
        return list(
            await session.scalars(select(model).where(model.case_id == case.id).order_by(order))
        )

    return {
        "attempts": await rows(Attempt, Attempt.at),
        "appointments": await rows(Appointment, Appointment.at),
        "promises": await rows(Promise, Promise.pay_by),
        "opinions": await rows(Opinion, Opinion.at),
        "history": await rows(CaseStep, CaseStep.at),
    }


LIST = ListSpec(
    filters=(
        Filter("property_id", column=CollectionCase.property_id, max_length=36),
        Filter("unit_id", column=CollectionCase.unit_id, max_length=36),
        Filter("status", column=CollectionCase.status, values=(OPEN, CLOSED)),
        Filter(
            "promise",
            values=PROMISE_STATUSES,
            column=CollectionCase.promise_status,  # type: ignore[attr-defined]
            description="cases whose latest promise to pay is in this state",
        ),
    ),
    sort={"created_at": CollectionCase.created_at, "amount": CollectionCase.opening_amount},
    default_sort="-created_at",
    id_column=CollectionCase.id,
)


def list_cases(principal: Principal, query: ListQuery) -> Select[tuple[CollectionCase]]:
    stmt = scope_to_properties(select(CollectionCase), CollectionCase.property_id, principal)
    return LIST.apply(stmt, query)


@lru_cache(maxsize=8)
def _day_ends(day: date) -> tuple[tuple[datetime, tuple[str, ...]], ...]:
    """Every IANA zone grouped by the UTC instant ``day`` ends at there (a few dozen groups)."""
    groups: dict[datetime, list[str]] = {}
    for name in sorted(available_timezones()):
        groups.setdefault(day_window(day, name)[1], []).append(name)
    return tuple((end, tuple(names)) for end, names in groups.items())


def _due_by(day: date) -> ColumnElement[bool]:
    """Appointments before the end of ``day`` where the case's unit is (its account's zone)."""
    zone_of_case = (
        select(Account.time_zone).where(Account.id == CollectionCase.account_id).scalar_subquery()
    )
    return or_(
        *(and_(zone_of_case.in_(names), Appointment.at < end) for end, names in _day_ends(day))
    )


APPOINTMENTS = ListSpec(
    filters=(
        Filter("property_id", column=Appointment.property_id, max_length=36),
        Filter("case_id", column=Appointment.case_id, max_length=36),
        Filter(
            "due_by",
            type=date,
            where=_due_by,
            description="appointments up to the end of this day where the property is",
        ),
    ),
    sort={"at": Appointment.at},
    default_sort="at",
    id_column=Appointment.id,
)


def list_appointments(principal: Principal, query: ListQuery) -> Select[tuple[Appointment]]:
    """Appointments of open cases, soonest first: what comes due."""
    stmt = (
        select(Appointment)
        .join(CollectionCase, CollectionCase.id == Appointment.case_id)
        .where(CollectionCase.status == OPEN)
    )
    stmt = scope_to_properties(stmt, Appointment.property_id, principal)
    return APPOINTMENTS.apply(stmt, query)
