"""Rules of fee accounts."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ColumnElement, Select, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fees.accounts.models import Account, AccountHolder
from fees.charges.models import Charge, overdue_on
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.db import utcnow
from propops.errors import Invalid, NotFound
from propops.events.payloads import AccountOpened, UnitRegistered
from propops.lists import Filter, ListQuery, ListSpec
from propops.messaging.outbox import emit
from propops.timezones import DEFAULT_TIME_ZONE, is_valid_time_zone


async def open_account_for_unit(
    session: AsyncSession, unit: UnitRegistered, default_time_zone: str = DEFAULT_TIME_ZONE
) -> Account:
    """Open the unit's account; a unit has at most one (a second call returns the first).
    Its time zone is the property's as the event carries it (events from before the front
    desk carried it: ``default_time_zone``)."""
    existing = await session.scalar(select(Account).where(Account.unit_id == unit.unit_id))
    if existing is not None:
        return existing
    account = Account(
        unit_id=unit.unit_id,
        property_id=unit.property_id,
        property_code=unit.property_code,
        building=unit.building,
        unit_number=unit.number,
        area_m2=unit.area_m2,
        time_zone=unit.time_zone if is_valid_time_zone(unit.time_zone or "") else default_time_zone,
        balance=Decimal("0.00"),
    )
    session.add(account)
    await session.flush()
    emit(
        session,
        AccountOpened(
            account_id=account.id, unit_id=account.unit_id, property_id=account.property_id
        ),
        subject=account.id,
    )
    return account


async def open_account_for(
    session: AsyncSession,
    holder: AccountHolder,
    holder_id: str,
    *,
    property_id: str,
    label: str,
    reference: str,
    default_time_zone: str = DEFAULT_TIME_ZONE,
) -> Account:
    """The account of a lease contract or a venue booking (``holder_id`` quoted as its
    ``unit_id``); opened once, a second call returns the first. Its property's code and time
    zone are those of the property's unit accounts (the default zone if it has none yet)."""
    existing = await session.scalar(select(Account).where(Account.unit_id == holder_id))
    if existing is not None:
        return existing
    unit = await session.scalar(
        select(Account)
        .where(Account.property_id == property_id, Account.holder == AccountHolder.unit.value)
        .limit(1)
    )
    account = Account(
        unit_id=holder_id,
        holder=holder.value,
        property_id=property_id,
        property_code=unit.property_code if unit else "",
        building=label[:60],
        unit_number=reference[:40],
        time_zone=unit.time_zone if unit else default_time_zone,
        balance=Decimal("0.00"),
    )
    session.add(account)
    await session.flush()
    return account


async def get_account(session: AsyncSession, account_id: str, principal: Principal) -> Account:
    return await get_visible(
        session, Account, account_id, principal, noun="account", field="account_id"
    )


ARREARS, CURRENT = "arrears", "current"


def _status(value: str) -> ColumnElement[bool]:
    """The payment status rule of ``fees.status`` (arrears: some charge unpaid after its due
    date, today UTC; current: none), as a condition on accounts."""
    overdue = exists().where(Charge.account_id == Account.id, overdue_on())
    return overdue if value == ARREARS else ~overdue


LIST = ListSpec(
    filters=(
        Filter("unit_id", column=Account.unit_id, max_length=36),
        Filter(
            "holder",
            column=Account.holder,
            values=tuple(AccountHolder),
            description="unit: management fees; contract: a lease's rent; booking: a venue fee",
        ),
        Filter("property_id", column=Account.property_id, max_length=36),
        Filter(
            "status",
            where=_status,
            values=(ARREARS, CURRENT),
            description="arrears: something unpaid after its due date; current: nothing",
        ),
    ),
    sort={
        "address": (Account.property_code, Account.building, Account.unit_number),
        "balance": Account.balance,
        "opened_at": Account.opened_at,
    },
    default_sort="address",
    id_column=Account.id,
)


def list_accounts(principal: Principal, query: ListQuery | None = None) -> Select[tuple[Account]]:
    stmt = scope_to_properties(select(Account), Account.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())


async def _lock(session: AsyncSession, where: ColumnElement[bool]) -> Account | None:
    """Lock one account row for the rest of the transaction and read it fresh.

    The lock is taken by writing the row first: a row lock on PostgreSQL, the database's write
    lock on SQLite (whose driver starts a transaction only at the first write). So two payments
    for one unit, or a payment and the status sweep, book one after the other, each on the
    other's result.
    """
    await session.execute(
        update(Account)
        .where(where)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return await session.scalar(
        select(Account).where(where).execution_options(populate_existing=True)
    )


async def lock_account_of_unit(session: AsyncSession, unit_id: str) -> Account:
    """The unit's account, locked; a unit without an account is a 422 naming ``unit_id``."""
    account = await _lock(session, Account.unit_id == unit_id)
    if account is None:
        raise Invalid(f"unit {unit_id} has no fee account", field="unit_id")
    return account


async def lock_account(session: AsyncSession, account_id: str) -> Account | None:
    return await _lock(session, Account.id == account_id)


async def account_of_unit(session: AsyncSession, unit_id: str, principal: Principal) -> Account:
    account = await session.scalar(select(Account).where(Account.unit_id == unit_id))
    if account is None:
        raise NotFound(f"unit {unit_id} has no fee account", field="unit_id")
    check_property(principal, account.property_id)
    return account
