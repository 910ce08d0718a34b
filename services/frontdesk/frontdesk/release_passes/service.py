"""Rules of release passes (放行單, DOMAIN §1.4): the requester shows ID (a current owner,
tenant or resident of the unit), the unit's payment status (the desk's copy from fees) is
recorded on the pass, the items are listed, the owner confirms when the requester is not an
owner, and a unit in arrears needs a manager's override with a reason. Issuing publishes
``propops.frontdesk.release_pass.issued.v1``; the gate checks the goods once and its
``propops.security.release_pass.checked.v1`` makes the pass ``released`` or ``held`` here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.parties.models import Occupancy
from frontdesk.parties.service import get_party, held_on
from frontdesk.payment_status import service as payment_status
from frontdesk.register.models import Property, Unit
from frontdesk.release_passes.models import ReleasePass, ReleasePassStep
from frontdesk.release_passes.schemas import OwnerConfirmationIn, ReleasePassIn
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.db import new_id, utcnow
from propops.errors import Conflict, Invalid
from propops.events.payloads import PassItem, ReleasePassChanged, ReleasePassChecked
from propops.lifecycle import Event, Lifecycle
from propops.lists import Filter, ListQuery, ListSpec, contains
from propops.references import next_reference
from propops.timezones import today_in

log = structlog.get_logger("frontdesk.release_passes")

PASS_PREFIX = "RP"  # RP-2026-00003
STATUSES = ("requested", "issued", "released", "held", "cancelled")
DEFAULT_VALIDITY = timedelta(days=1)
ROLE_ORDER = ("owner", "tenant", "resident")

RELEASE_PASS = Lifecycle(
    "release pass",
    {
        "confirm_owner": (("requested",), None),
        "override": (("requested",), None),
        "issue": (("requested",), "issued"),
        "cancel": (("requested", "issued"), "cancelled"),
        # the gate's check, by event: released or held (the rule chooses)
        "check": (("issued",), None),
    },
)


def step(p: ReleasePass, action: str, actor: str | None, **details: object) -> ReleasePassStep:
    return ReleasePassStep(
        pass_id=p.id,
        at=utcnow(),
        actor=actor,
        action=action,
        status=p.status,
        details={k: v for k, v in details.items() if v is not None},
    )


def changed(p: ReleasePass, verb: str, actor: str | None) -> Event:
    return Event(
        ReleasePassChanged(
            pass_id=p.id,
            reference=p.reference,
            property_id=p.property_id,
            unit_id=p.unit_id,
            unit_label=p.unit_label,
            status=p.status,
            requester_name=p.requester_name,
            requester_role=p.requester_role,
            items=[PassItem(**i) for i in p.items],
            reason=p.reason,
            planned_at=p.planned_at,
            valid_until=p.valid_until,
            payment_status=p.payment_status,
            override_reason=p.override_reason,
            owner_confirmed=p.owner_confirmed_at is not None,
            actor=actor,
            at=utcnow(),
        ),
        subject=p.id,
        event_type=f"propops.frontdesk.release_pass.{verb}.v1",
    )


async def _roles_now(session: AsyncSession, unit: Unit, party_id: str) -> set[str]:
    prop = await session.get(Property, unit.property_id)
    today = today_in(prop.time_zone) if prop else utcnow().date()
    stmt = select(Occupancy.role).where(
        Occupancy.unit_id == unit.id, Occupancy.party_id == party_id, held_on(today)
    )
    return set((await session.scalars(stmt)).all())


async def _refresh_payment_status(session: AsyncSession, p: ReleasePass) -> None:
    status = await payment_status.of_unit(session, p.unit_id)
    p.payment_status = status.status
    p.overdue_amount = status.overdue_amount


def is_expired(p: ReleasePass, now: datetime | None = None) -> bool:
    return (now or utcnow()) >= p.valid_until


def owner_confirmation_needed(p: ReleasePass) -> bool:
    return p.requester_role != "owner"


def missing(p: ReleasePass, now: datetime | None = None) -> list[str]:
    """What stands between a requested pass and its issue."""
    if p.status != "requested":
        return []
    gaps = []
    if owner_confirmation_needed(p) and p.owner_confirmed_at is None:
        gaps.append("owner_confirmation")
    if p.payment_status == "arrears" and p.override_reason is None:
        gaps.append("override")
    if is_expired(p, now):
        gaps.append("valid_until")
    return gaps


async def request(
    session: AsyncSession, data: ReleasePassIn, actor: str, principal: Principal | None = None
) -> ReleasePass:
    unit = await session.get(Unit, data.unit_id)
    if unit is None:
        raise Invalid(f"unit {data.unit_id} does not exist", field="unit_id")
    if principal is not None:
        check_property(principal, unit.property_id)
    prop = await session.get(Property, unit.property_id)
    assert prop is not None
    party = await get_party(session, data.requester_party_id, principal, field="requester_party_id")
    roles = await _roles_now(session, unit, party.id)
    if not roles:
        raise Invalid(
            f"{party.name} is not a current owner, tenant or resident of unit "
            f"{unit.building} {unit.number}",
            field="requester_party_id",
        )
    valid_until = data.valid_until or data.planned_at + DEFAULT_VALIDITY
    now = utcnow()
    if valid_until <= now:
        raise Invalid("the pass would be expired already", field="valid_until")
    p = ReleasePass(
        id=new_id(),
        property_id=prop.id,
        reference=await next_reference(session, PASS_PREFIX, prop.id, time_zone=prop.time_zone),
        unit_id=unit.id,
        unit_label=f"{unit.building} {unit.number}",
        requester_party_id=party.id,
        requester_name=party.name,
        requester_role=next(r for r in ROLE_ORDER if r in roles),
        items=[i.model_dump() for i in data.items],
        reason=data.reason,
        planned_at=data.planned_at,
        valid_until=valid_until,
        status="requested",
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    await _refresh_payment_status(session, p)
    session.add(p)
    session.add(
        step(p, "requested", actor, requester_role=p.requester_role, payment=p.payment_status)
    )
    await session.flush()
    return p


async def get(session: AsyncSession, pass_id: str, principal: Principal | None) -> ReleasePass:
    return await get_visible(
        session, ReleasePass, pass_id, principal, noun="release pass", field="pass_id"
    )


async def confirm_owner(
    session: AsyncSession,
    p: ReleasePass,
    data: OwnerConfirmationIn,
    actor: str,
    principal: Principal | None = None,
) -> ReleasePass:
    RELEASE_PASS.check(p, "confirm_owner")
    owner = await get_party(session, data.owner_party_id, principal, field="owner_party_id")
    unit = await session.get(Unit, p.unit_id)
    assert unit is not None
    if "owner" not in await _roles_now(session, unit, owner.id):
        raise Invalid(
            f"{owner.name} is not a current owner of unit {p.unit_label}", field="owner_party_id"
        )
    p.owner_party_id = owner.id
    p.owner_name = owner.name
    p.owner_method = data.method
    p.owner_notes = data.notes
    p.owner_confirmed_at = utcnow()
    p.owner_confirmed_by = actor
    return await RELEASE_PASS.apply(
        session,
        p,
        "confirm_owner",
        step=lambda r: step(r, "owner_confirmed", actor, owner=owner.name, method=data.method),
    )


async def override(session: AsyncSession, p: ReleasePass, reason: str, actor: str) -> ReleasePass:
    """A manager lets a pass of a unit in arrears be issued; the reason stays on the pass."""
    RELEASE_PASS.check(p, "override")
    await _refresh_payment_status(session, p)
    p.override_reason = reason
    p.override_by = actor
    p.override_at = utcnow()
    return await RELEASE_PASS.apply(
        session,
        p,
        "override",
        step=lambda r: step(r, "arrears_overridden", actor, reason=reason),
    )


async def issue(session: AsyncSession, p: ReleasePass, actor: str) -> ReleasePass:
    RELEASE_PASS.check(p, "issue")
    await _refresh_payment_status(session, p)  # as fees last told us, now
    gaps = missing(p)
    if gaps:
        why = {
            "owner_confirmation": "the owner's confirmation (the requester is not an owner)",
            "override": "a manager's override (the unit is in arrears)",
            "valid_until": "a validity in the future (the pass has expired)",
        }
        raise Conflict(
            "cannot issue: missing " + "; ".join(why[g] for g in gaps), field=gaps[0], missing=gaps
        )
    p.issued_at = utcnow()
    p.issued_by = actor
    return await RELEASE_PASS.apply(
        session,
        p,
        "issue",
        step=lambda r: step(r, "issued", actor, payment=r.payment_status),
        events=lambda r: [changed(r, "issued", actor)],
    )


async def cancel(session: AsyncSession, p: ReleasePass, reason: str | None, actor: str):
    was_issued = p.status == "issued"
    return await RELEASE_PASS.apply(
        session,
        p,
        "cancel",
        step=lambda r: step(r, "cancelled", actor, reason=reason),
        events=lambda r: [changed(r, "cancelled", actor)] if was_issued else [],
    )


async def apply_check(session: AsyncSession, check: ReleasePassChecked) -> ReleasePass | None:
    """The gate's check, once: a pass already checked (a redelivery) or cancelled meanwhile
    is left alone."""
    p = await session.get(ReleasePass, check.pass_id)
    if p is None or not RELEASE_PASS.can(p.status, "check"):
        log.info("gate_check_ignored", pass_id=check.pass_id, status=p.status if p else None)
        return p
    p.checked_at = check.at
    p.checked_by = check.checked_by
    p.items_match = check.items_match
    p.check_notes = check.notes
    return await RELEASE_PASS.apply(
        session,
        p,
        "check",
        to=check.outcome,
        step=lambda r: step(
            r, check.outcome, check.checked_by, items_match=check.items_match, notes=check.notes
        ),
    )


async def steps(session: AsyncSession, pass_id: str) -> list[ReleasePassStep]:
    stmt = (
        select(ReleasePassStep)
        .where(ReleasePassStep.pass_id == pass_id)
        .order_by(ReleasePassStep.at)
    )
    return list((await session.scalars(stmt)).all())


LIST = ListSpec(
    filters=(
        Filter("property_id", column=ReleasePass.property_id, max_length=36),
        Filter("unit_id", column=ReleasePass.unit_id, max_length=36),
        Filter("status", column=ReleasePass.status, values=STATUSES),
        Filter("reference", column=ReleasePass.reference, max_length=24),
    ),
    sort={
        "created_at": ReleasePass.created_at,
        "planned_at": ReleasePass.planned_at,
        "valid_until": ReleasePass.valid_until,
    },
    default_sort="-created_at",
    id_column=ReleasePass.id,
    search=contains(ReleasePass.search_text),
)


def list_query(principal: Principal, query: ListQuery | None = None) -> Select[tuple[ReleasePass]]:
    stmt = scope_to_properties(select(ReleasePass), ReleasePass.property_id, principal)
    return LIST.apply(stmt, query or LIST.query())
