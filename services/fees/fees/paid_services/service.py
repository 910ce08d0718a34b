"""Charging a signed-off paid service (項目計費): the quoted total on the unit's account, kind
``paid_service``, due ``paid_service_due_days`` after today at the property; once per paid
service (``PaidServiceCharge``)."""

from __future__ import annotations

from datetime import timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from fees.accounts.service import lock_account_of_unit
from fees.charges.models import Charge, ChargeKind
from fees.charges.schemas import ChargeIn
from fees.charges.service import post_charge
from fees.paid_services.models import PaidServiceCharge
from propops.events.payloads import PaidServiceChanged
from propops.timezones import today_in

log = structlog.get_logger("fees.paid_services")


async def charge_paid_service(
    session: AsyncSession, paid: PaidServiceChanged, due_days: int
) -> Charge | None:
    """The paid service's one charge; ``None`` if it was charged already."""
    if await session.get(PaidServiceCharge, paid.paid_service_id) is not None:
        log.info("paid_service_already_charged", paid_service_id=paid.paid_service_id)
        return None
    # the unit's account (locked: the balance changes); none yet is raised: a retry will find
    # it once the unit's registration reaches fees
    account = await lock_account_of_unit(session, paid.unit_id)
    what = "; ".join(f"{line.name} x {line.quantity}" for line in paid.lines)
    charge = await post_charge(
        session,
        ChargeIn(
            unit_id=paid.unit_id,
            kind=ChargeKind.paid_service,
            amount=paid.total,
            due_date=today_in(account.time_zone) + timedelta(days=due_days),
            description=f"{paid.reference or 'Paid service'}: {what}"[:500],
        ),
    )
    session.add(
        PaidServiceCharge(
            paid_service_id=paid.paid_service_id, reference=paid.reference, charge_id=charge.id
        )
    )
    await session.flush()
    return charge
