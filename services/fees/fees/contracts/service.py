"""Leases and venue bookings as fees sees them (from leasing's events).

- A signed (or renewed) contract opens its account (one per contract, holder ``contract``) and
  keeps its billing terms; the billing runs raise its rent (``fees.contracts.schedule``).
- A contract fees learns after its property's run for a period has started (signed after the
  month's run, or its event late) has that period's rent raised at once (``charge_missed_rents``),
  so no period the lease owes is skipped.
- A termination keeps the day and voids the rent charges of periods starting after it (paid
  ones become credit). The rent already raised for the period the day falls in (a month, or a
  quarter) is brought to what ``rent_due`` gives for the shortened lease, the rule the run
  uses (``reprice_last_period``): voided and raised again at the new amount (only voided, for
  a lease terminated before its start), if nothing has been paid on it. One paid in whole or
  in part is left as it is (logged): fees has no credit line to give back the difference
  with, and voiding it would move its payment around.
- A signed venue booking opens its account (holder ``booking``) and raises the venue management
  fee at once, due on the day of signing; once per booking (``source_ref``), whatever replays.
- A signed booking cancelled before its start voids that fee (paid, it becomes the booking
  account's credit), once. The cancellation carries the booking's terms: arriving before the
  signing (a redelivery out of order), it raises the fee and voids it at once, so the late
  signing finds the fee there (voided) and raises nothing.

Every rule is idempotent: an event applied twice, or an older one after a newer one (by its
``at``), changes nothing more.
"""

from __future__ import annotations

from datetime import datetime

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fees.accounts.models import AccountHolder
from fees.accounts.service import lock_account, open_account_for
from fees.billing_runs.models import BillingRun
from fees.charges.models import Charge, ChargeKind, ChargeStatus
from fees.charges.schemas import ChargeIn
from fees.charges.service import post_charge, void_locked
from fees.contracts.models import LeaseContract
from fees.contracts.schedule import CYCLES, period_bounds, rent_due
from propops.events.payloads import ContractChanged, VenueBookingCancelled, VenueBookingSigned
from propops.timezones import today_in

log = structlog.get_logger("fees.contracts")


async def apply_contract(
    session: AsyncSession, change: ContractChanged, verb: str
) -> LeaseContract | None:
    """Keep a contract's terms from a signed / renewed / terminated event (see the module)."""
    if change.billing_cycle not in CYCLES:
        log.warning("contract_cycle_unknown", contract_id=change.contract_id)
        return None  # a retry would not help
    account = await open_account_for(
        session,
        AccountHolder.contract,
        change.contract_id,
        property_id=change.property_id,
        label=change.space_code,
        reference=change.reference or change.contract_id[:8],
    )
    contract = await session.scalar(
        select(LeaseContract).where(LeaseContract.contract_id == change.contract_id)
    )
    if contract is None:
        contract = LeaseContract(contract_id=change.contract_id, account_id=account.id)
        session.add(contract)
    elif contract.event_at >= change.at:
        return contract  # this event or a later one was applied already
    contract.property_id = change.property_id
    contract.reference = change.reference
    contract.space_id = change.space_id
    contract.space_code = change.space_code
    contract.space_kind = change.space_kind
    contract.counterparty_name = change.counterparty_name
    contract.start_date = change.start_date
    contract.end_date = change.end_date
    contract.rent = change.rent
    contract.billing_cycle = change.billing_cycle
    if verb == "terminated":
        contract.terminated_on = change.terminated_on or change.at.date()
    contract.event_at = change.at
    await session.flush()
    await charge_missed_rents(session, contract, actor=change.actor)
    if contract.terminated_on is not None:
        await cancel_after(session, contract, actor=change.actor)
        await reprice_last_period(session, contract, actor=change.actor)
    return contract


async def cancel_after(session: AsyncSession, contract: LeaseContract, actor: str | None) -> int:
    """Void the contract's rent charges of periods starting after its last day."""
    account = await lock_account(session, contract.account_id)
    assert account is not None
    later = (
        await session.scalars(
            select(Charge).where(
                Charge.account_id == account.id,
                Charge.kind == ChargeKind.rent.value,
                Charge.status != ChargeStatus.voided.value,
                Charge.period.is_not(None),
            )
        )
    ).all()
    voided = 0
    for charge in later:
        assert charge.period is not None
        if period_bounds(charge.period)[0] > contract.last_day:
            await void_locked(
                session,
                account,
                charge,
                f"contract terminated on {contract.last_day.isoformat()}",
                actor=actor,
            )
            voided += 1
    return voided


async def reprice_last_period(
    session: AsyncSession, contract: LeaseContract, *, actor: str | None
) -> Charge | None:
    """Bring the rent already raised for the period the contract's last day falls in to what
    ``rent_due`` gives now (the run's rule), by voiding it and raising the corrected one (same
    period and due date); returns that new charge, or None if none was raised.

    The period is the latest one at or before the last day's month the account has a live (not
    voided) rent for. A lease terminated before its start owes nothing: that rent is voided
    and nothing raised. Nothing changes if it already has the rule's amount (so a replayed
    event, or a restart, changes nothing), if the rule charges nothing for that period (a rent
    raised by hand for another month), or if anything has been paid on it (logged
    ``terminated_rent_paid``: see the module).
    """
    account = await lock_account(session, contract.account_id)
    assert account is not None
    charge = await session.scalar(
        select(Charge)
        .where(
            Charge.account_id == account.id,
            Charge.kind == ChargeKind.rent.value,
            Charge.status != ChargeStatus.voided.value,
            Charge.period.is_not(None),
            Charge.period <= contract.last_day.strftime("%Y-%m"),
        )
        .order_by(Charge.period.desc())
        .limit(1)
    )
    if charge is None:
        return None
    assert charge.period is not None
    await session.refresh(charge)  # as it is now that the account is ours
    amount = rent_due(
        start=contract.start_date,
        last_day=contract.last_day,
        rent=contract.rent,
        cycle=contract.billing_cycle,
        period=charge.period,
    )
    never_ran = contract.last_day < contract.start_date  # the rule charges it nothing at all
    if amount == charge.amount or (amount is None and not never_ran):
        return None
    if charge.paid_amount > 0:
        log.warning(
            "terminated_rent_paid",
            contract_id=contract.contract_id,
            charge_id=charge.id,
            period=charge.period,
            charged=str(charge.amount),
            due=str(amount),
        )
        return None
    await void_locked(
        session,
        account,
        charge,
        f"contract terminated on {contract.last_day.isoformat()}: "
        f"rent {charge.period} is now {amount or '0.00'}",
        actor=actor,
    )
    if amount is None:
        log.info("terminated_rent_voided", contract_id=contract.contract_id, period=charge.period)
        return None
    corrected = await post_charge(
        session,
        ChargeIn(
            unit_id=account.unit_id,
            kind=ChargeKind.rent,
            amount=amount,
            due_date=charge.due_date,
            period=charge.period,
            description=charge.description,
        ),
    )
    corrected.posted_by = actor
    log.info(
        "terminated_rent_repriced",
        contract_id=contract.contract_id,
        period=charge.period,
        was=str(charge.amount),
        now=str(amount),
    )
    return corrected


async def charge_missed_rents(
    session: AsyncSession, contract: LeaseContract, *, actor: str | None
) -> list[Charge]:
    """Raise the contract's rent (``rent_due``) for every period whose billing run of its
    property exists already (finished, or still running), as the run would have.

    A period the account has a rent charge for, even a voided one, is left alone: the run or an
    earlier event charged it, or someone voided it on purpose; so a replayed event, a later
    event, a restart or the run itself never charges a period twice. A run still running skips
    the account in its rent phase (it finds the charge under the account's lock, which this
    takes first too); a charge raised here is not in that run's totals (``billing_run_id`` is
    empty). Each is due on the run's due date, or today where the property is if that is later
    (a rent raised late is never overdue on the day it appears).
    """
    first_month = contract.start_date.strftime("%Y-%m")
    last_month = contract.last_day.strftime("%Y-%m")
    if contract.last_day < contract.start_date:
        return []
    runs = (
        await session.scalars(
            select(BillingRun)
            .where(
                BillingRun.property_id == contract.property_id,
                BillingRun.period >= first_month,
                BillingRun.period <= last_month,
            )
            .order_by(BillingRun.period)
        )
    ).all()
    owed = [
        (run, amount)
        for run in runs
        if (
            amount := rent_due(
                start=contract.start_date,
                last_day=contract.last_day,
                rent=contract.rent,
                cycle=contract.billing_cycle,
                period=run.period,
            )
        )
        is not None
    ]
    if not owed:
        return []
    account = await lock_account(session, contract.account_id)
    assert account is not None
    charged = set(
        (
            await session.scalars(
                select(Charge.period).where(
                    Charge.account_id == account.id,
                    Charge.kind == ChargeKind.rent.value,
                    Charge.period.is_not(None),
                )
            )
        ).all()
    )
    today = today_in(account.time_zone)
    raised = []
    for run, amount in owed:
        if run.period in charged:
            continue
        charge = await post_charge(
            session,
            ChargeIn(
                unit_id=account.unit_id,
                kind=ChargeKind.rent,
                amount=amount,
                due_date=max(run.due_date, today),
                period=run.period,
                description=f"{contract.space_code} rent {run.period}"[:500],
            ),
        )
        charge.posted_by = actor
        raised.append(charge)
    if raised:
        log.info(
            "missed_rents_charged",
            contract_id=contract.contract_id,
            periods=[c.period for c in raised],
        )
    return raised


def booking_ref(booking_id: str) -> str:
    return f"venue_booking:{booking_id}"


async def charge_venue_fee(
    session: AsyncSession,
    booking: VenueBookingSigned | VenueBookingCancelled,
    *,
    now: datetime | None = None,
) -> Charge | None:
    """The booking's venue management fee, raised once (None for a booking without a fee)."""
    existing = await session.scalar(
        select(Charge).where(Charge.source_ref == booking_ref(booking.booking_id))
    )
    if existing is not None:
        return existing
    if booking.fee <= 0:
        log.warning("venue_fee_not_positive", booking_id=booking.booking_id)
        return None
    account = await open_account_for(
        session,
        AccountHolder.booking,
        booking.booking_id,
        property_id=booking.property_id,
        label=booking.space_code,
        reference=booking.reference or booking.booking_id[:8],
    )
    charge = await post_charge(
        session,
        ChargeIn(
            unit_id=account.unit_id,
            kind=ChargeKind.venue_fee,
            amount=booking.fee,
            due_date=today_in(account.time_zone, booking.at),
            description=f"{booking.space_code} {booking.organizer}"[:500],
        ),
    )
    charge.posted_by = booking.actor
    charge.source_ref = booking_ref(booking.booking_id)
    await session.flush()
    return charge


async def void_venue_fee(session: AsyncSession, cancelled: VenueBookingCancelled) -> Charge | None:
    """Void the cancelled booking's venue fee (see the module); None for a booking without a
    fee. A replay finds it voided and changes nothing."""
    charge = await charge_venue_fee(session, cancelled)
    if charge is None or charge.status == ChargeStatus.voided.value:
        return charge
    account = await lock_account(session, charge.account_id)
    assert account is not None
    await session.refresh(charge)  # as it is now that the account is ours
    if charge.status != ChargeStatus.voided.value:
        await void_locked(
            session,
            account,
            charge,
            f"venue booking cancelled: {cancelled.reason}"[:500],
            actor=cancelled.actor,
        )
    return charge
