"""Receipts (收據): every payment's number, and the receipt a payer is handed.

The number is taken from the shared gapless counter (``propops.references``, prefix ``R``, per
property and calendar year in the property's time zone) by one statement in the payment's own
transaction: concurrent payments wait their turn on the counter row, and a payment that rolls
back rolls its number back with it, so numbers never repeat and never skip.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from fees.accounts.models import Account
from propops.references import next_reference

RECEIPT_PREFIX = "R"


async def receipt_number(session: AsyncSession, account: Account) -> str:
    """The next receipt number of the account's property, e.g. ``R-2026-00042``."""
    return await next_reference(
        session, RECEIPT_PREFIX, account.property_id, time_zone=account.time_zone
    )
