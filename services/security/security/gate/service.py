"""Rules of the gate: its view of visitors and release passes follows the front desk's events
(never backwards: a late or repeated event changes nothing), and what the guard records here
goes back to the desk by event, once (``propops.lifecycle``: a second entry, exit or check is
a 409 naming the state).

A visitor whose identity the desk has not confirmed is let in only with the document the guard
saw (the desk's rule, ``propops.identity``); the desk's visit then records it.

A pass is checked once: ``released`` when the goods match the list, ``held`` otherwise; an
expired pass (past ``valid_until``) or a cancelled one is refused.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from propops.auth import Principal, get_visible, scope_to_properties
from propops.db import utcnow
from propops.errors import Conflict
from propops.events.payloads import (
    GateVisitMoved,
    ReleasePassChanged,
    ReleasePassChecked,
    VisitChanged,
)
from propops.identity import document_seen
from propops.lifecycle import Event, Lifecycle
from propops.lists import Filter, ListQuery, ListSpec
from security.gate.models import GatePass, GateVisitor
from security.gate.schemas import CheckIn, EnterIn

VISIT_STATUSES = ("expected", "on_site", "left", "cancelled")
PASS_STATUSES = ("issued", "released", "held", "cancelled")
# how far along a visit is: the gate's view only moves forward
_RANK = {"expected": 0, "on_site": 1, "left": 2, "cancelled": 2}

GATE_VISIT = Lifecycle(
    "visitor",
    {"enter": (("expected",), "on_site"), "exit": (("on_site",), "left")},
)
GATE_PASS = Lifecycle("release pass", {"check": (("issued",), None)})


# --- visitors ---------------------------------------------------------------------------------


async def follow_visit(session: AsyncSession, visit: VisitChanged) -> GateVisitor:
    """Keep the gate's copy of a desk visit (any of its events carries the whole visit)."""
    row = await session.get(GateVisitor, visit.visit_id)
    if row is None:
        row = GateVisitor(visit_id=visit.visit_id, status=visit.status, version=1)
        session.add(row)
    elif _RANK.get(visit.status, 0) > _RANK.get(row.status, 0):
        row.status = visit.status
    row.property_id = visit.property_id
    row.reference = visit.reference
    row.visitor_name = visit.visitor_name
    row.id_number_masked = visit.id_number_masked
    row.purpose = visit.purpose
    row.host_unit_label = visit.host_unit_label
    row.host_department = visit.host_department
    row.expected_at = visit.expected_at
    row.visit_date = visit.visit_date
    row.identity_confirmed = row.identity_confirmed or visit.identity_confirmed
    if row.status in ("on_site", "left") and row.entered_at is None:
        row.entered_at, row.entered_by = visit.at, visit.actor
    if row.status == "left" and row.exited_at is None:
        row.exited_at, row.exited_by = visit.at, visit.actor
    await session.flush()
    return row


async def get_visitor(session: AsyncSession, visit_id: str, principal: Principal) -> GateVisitor:
    return await get_visible(
        session, GateVisitor, visit_id, principal, noun="visitor", field="visit_id"
    )


def _moved(row: GateVisitor, verb: str, actor: str) -> Event:
    """Entry and exit both say whether the guard confirmed the identity at entry (the exit's
    event may reach the desk first)."""
    return Event(
        GateVisitMoved(
            visit_id=row.visit_id,
            property_id=row.property_id,
            status=row.status,
            actor=actor,
            at=utcnow(),
            identity_confirmed=row.document_kind is not None,
            document_kind=row.document_kind,
        ),
        subject=row.visit_id,
        event_type=f"propops.security.gate_visit.{verb}.v1",
    )


async def enter(
    session: AsyncSession, row: GateVisitor, actor: str, data: EnterIn | None = None
) -> GateVisitor:
    """Let a visitor in. One whose identity the desk has not confirmed needs the document the
    guard saw (409 naming ``identity`` without one); the entry's event then says the identity
    was confirmed at the gate, and the desk's visit records it."""
    GATE_VISIT.check(row, "enter")
    if not row.identity_confirmed:
        if data is None or (data.document_kind is None and data.document_checked is None):
            raise Conflict(
                "the desk has not confirmed this visitor's identity: check their document",
                field="identity",
            )
        row.document_kind = document_seen(data.document_kind, data.document_checked)
        row.identity_confirmed = True
    row.entered_at, row.entered_by = utcnow(), actor
    return await GATE_VISIT.apply(
        session, row, "enter", events=lambda r: [_moved(r, "entered", actor)]
    )


async def exit_(session: AsyncSession, row: GateVisitor, actor: str) -> GateVisitor:
    GATE_VISIT.check(row, "exit")
    row.exited_at, row.exited_by = utcnow(), actor
    return await GATE_VISIT.apply(
        session, row, "exit", events=lambda r: [_moved(r, "exited", actor)]
    )


VISITORS = ListSpec(
    filters=(
        Filter("property_id", column=GateVisitor.property_id, max_length=36),
        Filter("status", column=GateVisitor.status, values=VISIT_STATUSES),
        Filter("date", column=GateVisitor.visit_date, type=date, description="day of the visit"),
    ),
    sort={"expected_at": GateVisitor.expected_at, "created_at": GateVisitor.created_at},
    default_sort="expected_at",
    id_column=GateVisitor.visit_id,
)


def visitors(principal: Principal, query: ListQuery | None = None) -> Select[tuple[GateVisitor]]:
    stmt = scope_to_properties(select(GateVisitor), GateVisitor.property_id, principal)
    return VISITORS.apply(stmt, query or VISITORS.query())


# --- release passes ---------------------------------------------------------------------------


async def follow_pass(session: AsyncSession, change: ReleasePassChanged) -> GatePass:
    """An issued pass is listed at the gate; a cancelled one is refused there (unless the
    gate has checked it already: that stands)."""
    row = await session.get(GatePass, change.pass_id)
    if row is None:
        row = GatePass(pass_id=change.pass_id, status=change.status, version=1)
        session.add(row)
    elif change.status == "cancelled" and row.status == "issued":
        row.status = "cancelled"
    row.property_id = change.property_id
    row.reference = change.reference
    row.unit_label = change.unit_label
    row.requester_name = change.requester_name
    row.requester_role = change.requester_role
    row.items = [i.model_dump() for i in change.items]
    row.reason = change.reason
    row.planned_at = change.planned_at
    row.valid_until = change.valid_until
    row.payment_status = change.payment_status
    row.override_reason = change.override_reason
    row.owner_confirmed = change.owner_confirmed
    await session.flush()
    return row


async def get_pass(session: AsyncSession, pass_id: str, principal: Principal) -> GatePass:
    return await get_visible(
        session, GatePass, pass_id, principal, noun="release pass", field="pass_id"
    )


def is_expired(row: GatePass) -> bool:
    return utcnow() >= row.valid_until


async def check(session: AsyncSession, row: GatePass, data: CheckIn, actor: str) -> GatePass:
    GATE_PASS.check(row, "check", hint="a pass is used once; a cancelled pass is refused")
    if is_expired(row):
        raise Conflict(
            f"release pass {row.reference} expired at {row.valid_until.isoformat()}; refused",
            field="valid_until",
        )
    outcome = "released" if data.items_match else "held"
    row.items_match = data.items_match
    row.notes = data.notes
    row.checked_at, row.checked_by = utcnow(), actor
    return await GATE_PASS.apply(
        session,
        row,
        "check",
        to=outcome,
        events=lambda r: [
            Event(
                ReleasePassChecked(
                    pass_id=r.pass_id,
                    property_id=r.property_id,
                    outcome=outcome,
                    items_match=data.items_match,
                    notes=data.notes,
                    checked_by=actor,
                    at=r.checked_at,
                ),
                subject=r.pass_id,
            )
        ],
    )


PASSES = ListSpec(
    filters=(
        Filter("property_id", column=GatePass.property_id, max_length=36),
        Filter("status", column=GatePass.status, values=PASS_STATUSES),
        Filter("reference", column=GatePass.reference, max_length=24),
    ),
    sort={"planned_at": GatePass.planned_at, "valid_until": GatePass.valid_until},
    default_sort="planned_at",
    id_column=GatePass.pass_id,
)


def passes(principal: Principal, query: ListQuery | None = None) -> Select[tuple[GatePass]]:
    stmt = scope_to_properties(select(GatePass), GatePass.property_id, principal)
    return PASSES.apply(stmt, query or PASSES.query())
