"""Rules of lease contracts.

- A contract is made as a ``draft`` (with its reference, ``LC-``), then ``sign``-ed; a draft
  may be ``cancel``-led. A signed contract may be ``renew``-ed (a later end date, perhaps a new
  rent) and ``terminate``-d early (its last day, before the end date); each of the three
  publishes ``ContractChanged`` (``propops.leasing.contract.{signed,renewed,terminated}.v1``)
  in the same transaction: fees keeps the contract's account and rent charges from them.
- Two signed (or terminated) contracts of one space may not overlap in time: signing or
  renewing into another's days is a 409 naming the other contract. The check runs under the
  space's lock (``lock_space``), so two signings at once cannot both pass.
- A contract quoting a negotiation needs that negotiation agreed, and of the same space.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from leasing.contracts.models import (
    CANCELLED,
    DRAFT,
    HOLDING,
    SIGNED,
    STATUSES,
    TERMINATED,
    BillingCycle,
    Contract,
    ContractStep,
    last_day_column,
)
from leasing.contracts.schemas import ContractIn, RenewIn, TerminateIn
from leasing.negotiations.models import AGREED, Negotiation
from leasing.spaces.models import Space
from leasing.spaces.service import lock_space, space_for
from leasing.today import on_local_today
from propops.auth import Principal, get_visible, scope_to_properties
from propops.db import utcnow
from propops.errors import Conflict, Invalid
from propops.events.catalog import contract_event_type
from propops.events.payloads import ContractChanged
from propops.lifecycle import Event, Lifecycle
from propops.lists import Filter, ListQuery, ListSpec, contains
from propops.references import next_reference

REFERENCE_PREFIX = "LC"
MAX_ENDING_WITHIN_DAYS = 3660

CONTRACT = Lifecycle(
    "contract",
    {
        "sign": ((DRAFT,), SIGNED),
        "renew": ((SIGNED,), None),
        "terminate": ((SIGNED,), TERMINATED),
        "cancel": ((DRAFT,), CANCELLED),
    },
)


def _step(c: Contract, action: str, actor: str, **details: Any) -> ContractStep:
    return ContractStep(
        contract_id=c.id,
        at=utcnow(),
        actor=actor,
        action=action,
        status=c.status,
        details={k: v for k, v in details.items() if v is not None},
    )


def _changed(c: Contract, space: Space, verb: str, actor: str) -> Event:
    return Event(
        ContractChanged(
            contract_id=c.id,
            reference=c.reference,
            property_id=c.property_id,
            space_id=c.space_id,
            space_code=space.code,
            space_kind=space.kind,
            counterparty_name=c.counterparty_name,
            start_date=c.start_date,
            end_date=c.end_date,
            rent=c.rent,
            billing_cycle=c.billing_cycle,
            deposit=c.deposit,
            terminated_on=c.terminated_on,
            actor=actor,
            at=utcnow(),
        ),
        subject=c.id,
        event_type=contract_event_type(verb),
    )


async def create_contract(
    session: AsyncSession, data: ContractIn, principal: Principal
) -> Contract:
    space = await space_for(session, data.space_id, principal)
    if data.end_date < data.start_date:
        raise Invalid("a contract ends on or after its start date", field="end_date")
    if data.negotiation_id is not None:
        negotiation = await session.get(Negotiation, data.negotiation_id)
        if negotiation is None or negotiation.space_id != space.id:
            raise Invalid(
                f"negotiation {data.negotiation_id} is not one of space {space.code}",
                field="negotiation_id",
            )
        if negotiation.status != AGREED:
            raise Conflict(
                f"negotiation is {negotiation.status}, not agreed: nothing was agreed to sign",
                field="negotiation_id",
                current_state=negotiation.status,
            )
    now = utcnow()
    contract = Contract(
        property_id=space.property_id,
        space_id=space.id,
        negotiation_id=data.negotiation_id,
        reference=await next_reference(
            session, REFERENCE_PREFIX, space.property_id, time_zone=space.time_zone, at=now
        ),
        counterparty_name=data.counterparty.name,
        counterparty_company=data.counterparty.company,
        counterparty_phone=data.counterparty.phone,
        start_date=data.start_date,
        end_date=data.end_date,
        rent=data.rent,
        billing_cycle=data.billing_cycle.value,
        deposit=data.deposit,
        status=DRAFT,
        time_zone=space.time_zone,
        created_by=principal.username,
    )
    session.add(contract)
    await session.flush()
    session.add(_step(contract, "created", principal.username))
    await session.flush()
    return contract


async def clash(
    session: AsyncSession, contract: Contract, first: date, last: date
) -> Contract | None:
    """Another contract holding the same space on some day from ``first`` to ``last``."""
    return await session.scalar(
        select(Contract)
        .where(
            Contract.space_id == contract.space_id,
            Contract.id != contract.id,
            Contract.status.in_(HOLDING),
            Contract.start_date <= last,
            last_day_column() >= first,
        )
        .order_by(Contract.start_date)
        .limit(1)
    )


async def _hold_space(session: AsyncSession, contract: Contract, first: date, last: date) -> Space:
    """Lock the space, then refuse (409) if another contract holds it on one of the days."""
    space = await session.get(Space, contract.space_id)
    assert space is not None
    await lock_space(session, space)
    other = await clash(session, contract, first, last)
    if other is not None:
        raise Conflict(
            f"space {space.code} is let under contract {other.reference} "
            f"({other.counterparty_name}) from {other.start_date} to {other.last_day}",
            field="start_date" if other.start_date <= first else "end_date",
            clash_contract_id=other.id,
            clash_reference=other.reference,
            clash_start_date=other.start_date.isoformat(),
            clash_last_day=other.last_day.isoformat(),
        )
    return space


async def sign(session: AsyncSession, contract: Contract, actor: str) -> None:
    CONTRACT.check(contract, "sign")
    space = await _hold_space(session, contract, contract.start_date, contract.end_date)
    contract.signed_at = utcnow()
    contract.signed_by = actor
    await CONTRACT.apply(
        session,
        contract,
        "sign",
        step=lambda c: _step(c, "signed", actor),
        events=lambda c: [_changed(c, space, "signed", actor)],
    )


async def renew(session: AsyncSession, contract: Contract, data: RenewIn, actor: str) -> None:
    CONTRACT.check(contract, "renew")
    if data.end_date <= contract.end_date:
        raise Invalid(
            f"a renewal ends after the current end date {contract.end_date}", field="end_date"
        )
    space = await _hold_space(session, contract, contract.start_date, data.end_date)
    before = {"end_date": contract.end_date.isoformat(), "rent": f"{contract.rent:.2f}"}
    contract.end_date = data.end_date
    if data.rent is not None:
        contract.rent = data.rent
    contract.renewal_count += 1
    await CONTRACT.apply(
        session,
        contract,
        "renew",
        step=lambda c: _step(
            c,
            "renewed",
            actor,
            previous_end_date=before["end_date"],
            previous_rent=before["rent"],
            end_date=c.end_date.isoformat(),
            rent=f"{c.rent:.2f}",
        ),
        events=lambda c: [_changed(c, space, "renewed", actor)],
    )


async def terminate(
    session: AsyncSession, contract: Contract, data: TerminateIn, actor: str
) -> None:
    CONTRACT.check(contract, "terminate")
    if not contract.start_date <= data.terminated_on < contract.end_date:
        raise Invalid(
            f"an early end falls from the start {contract.start_date} to the day before the "
            f"end {contract.end_date}",
            field="terminated_on",
        )
    space = await session.get(Space, contract.space_id)
    assert space is not None
    contract.terminated_on = data.terminated_on
    contract.termination_reason = data.reason
    await CONTRACT.apply(
        session,
        contract,
        "terminate",
        step=lambda c: _step(
            c, "terminated", actor, terminated_on=data.terminated_on.isoformat(), reason=data.reason
        ),
        events=lambda c: [_changed(c, space, "terminated", actor)],
    )


async def cancel(session: AsyncSession, contract: Contract, reason: str, actor: str) -> None:
    await CONTRACT.apply(
        session,
        contract,
        "cancel",
        step=lambda c: _step(c, "cancelled", actor, reason=reason),
    )


async def get(session: AsyncSession, contract_id: str, principal: Principal) -> Contract:
    return await get_visible(
        session, Contract, contract_id, principal, noun="contract", field="contract_id"
    )


async def history(session: AsyncSession, contract_id: str) -> list[ContractStep]:
    return list(
        (
            await session.scalars(
                select(ContractStep)
                .where(ContractStep.contract_id == contract_id)
                .order_by(ContractStep.at, ContractStep.id)
            )
        ).all()
    )


def ending_within(days: int, today: date | None = None) -> ColumnElement[bool]:
    """Signed contracts whose end date is from today to ``days`` days on (today where each
    contract's space is, or the ``today`` given)."""
    return and_(
        Contract.status == SIGNED,
        on_local_today(
            Contract.time_zone,
            lambda day: Contract.end_date.between(day, day + timedelta(days)),
            today,
        ),
    )


LIST = ListSpec(
    filters=(
        Filter("property_id", column=Contract.property_id, max_length=36),
        Filter("space_id", column=Contract.space_id, max_length=36),
        Filter("status", column=Contract.status, values=STATUSES),
        Filter("billing_cycle", column=Contract.billing_cycle, values=tuple(BillingCycle)),
        Filter(
            "ending_within_days",
            type=int,
            ge=0,
            le=MAX_ENDING_WITHIN_DAYS,
            where=ending_within,
            description="only signed contracts ending from today to this many days on "
            "(today where the space is)",
        ),
    ),
    sort={
        "end_date": (Contract.end_date, Contract.created_at),
        "start_date": Contract.start_date,
        "created_at": Contract.created_at,
        "reference": Contract.reference,
    },
    default_sort="-created_at",
    id_column=Contract.id,
    search=contains(Contract.search_text),
    search_description="words of the reference or counterparty, or phone digits",
)


def list_contracts(principal: Principal, query: ListQuery | None = None) -> Select[tuple[Contract]]:
    stmt = scope_to_properties(select(Contract), Contract.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())
