"""Rules of leave requests (請假).

- A request names the property whose desk the clerk works at (``property_id``: 422 if there is
  no such property, 403 if the requester may not see it); the user is an active front-desk user
  who may work there (no property limits, or that property among them; 422 naming ``user``); a
  request overlapping another requested or approved leave of the same user is a 409 naming
  ``from`` (``leave_id``).
- Seen, listed and decided by property (``propops.auth``): a user limited to some properties
  sees only their requests (403 for another's); requests made before leave had a property have
  none and are seen only by users who see every property.
- A life cycle: requested -> approved | refused (by the desk's supervisor or a manager, never
  for their own leave: 403, ``propops.supervisor``) | cancelled; approved -> cancelled. Refusing
  needs a reason.
- Approving flags the user's scheduled shifts on those days ``uncovered`` (the supervisor then
  reassigns or cancels them); cancelling an approved leave clears the flags of the shifts still
  assigned to the user. Both take the user's turn first (``staff_locks``), like the roster.
- Cancelled by the user, whoever entered the request, or an admin (403 otherwise).
- A request publishes ``propops.frontdesk.leave_request.requested.v1`` (with its property): the
  gateway tells that property's supervisors and managers (the bell), who decide it.
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.leave_requests.models import LEAVE_KINDS, LEAVE_STATES, LeaveRequest
from frontdesk.leave_requests.schemas import LeaveIn
from frontdesk.register.models import Property
from frontdesk.staff_shifts import service as shifts
from propops.auth import Principal, check_property, get_visible, scope_to_properties
from propops.db import utcnow
from propops.directory.service import require_member
from propops.errors import Conflict, Forbidden, Invalid
from propops.events.payloads import LeaveRequested
from propops.lifecycle import Lifecycle
from propops.lists import Filter, ListQuery, ListSpec
from propops.messaging.outbox import emit
from propops.supervisor import require_decide_leave

LEAVE = Lifecycle(
    "leave request",
    {
        "approve": (("requested",), "approved"),
        "refuse": (("requested",), "refused"),
        "cancel": (("requested", "approved"), "cancelled"),
    },
)


async def request(session: AsyncSession, data: LeaveIn, principal: Principal) -> LeaveRequest:
    prop = await session.get(Property, data.property_id)
    if prop is None:
        raise Invalid(f"property {data.property_id} does not exist", field="property_id")
    check_property(principal, prop.id)
    clerk = await require_member(session, data.user, shifts.DEPARTMENT, field="user")
    if clerk.property_ids and prop.id not in clerk.property_ids:
        raise Invalid(f"user {data.user!r} does not work at property {prop.code}", field="user")
    await shifts.lock_user(session, data.user)
    other = await session.scalar(
        select(LeaveRequest)
        .where(
            LeaveRequest.user == data.user,
            LeaveRequest.status.in_(("requested", "approved")),
            LeaveRequest.date_from <= data.date_to,
            LeaveRequest.date_to >= data.date_from,
        )
        .limit(1)
    )
    if other is not None:
        raise Conflict(
            f"{data.user} already has leave {other.status} from {other.date_from} to "
            f"{other.date_to}",
            field="from",
            leave_id=other.id,
        )
    leave = LeaveRequest(
        property_id=prop.id,
        user=data.user,
        date_from=data.date_from,
        date_to=data.date_to,
        kind=data.kind,
        reason=data.reason,
        status="requested",
        requested_by=principal.username,
    )
    session.add(leave)
    await session.flush()
    emit(
        session,
        LeaveRequested(
            leave_id=leave.id,
            property_id=leave.property_id,
            user=leave.user,
            date_from=leave.date_from,
            date_to=leave.date_to,
            kind=leave.kind,
            requested_by=leave.requested_by,
            requested_at=leave.created_at,
        ),
        subject=leave.id,
    )
    return leave


async def get(session: AsyncSession, leave_id: str, principal: Principal | None) -> LeaveRequest:
    """A request by id (404), or 403 when the user may not see its property (one with no
    property: only by users who see every property)."""
    return await get_visible(
        session, LeaveRequest, leave_id, principal, noun="leave request", field="leave_id"
    )


async def approve(session: AsyncSession, leave: LeaveRequest, principal: Principal) -> None:
    LEAVE.check(leave, "approve")
    require_decide_leave(principal, leave.user)
    await shifts.lock_user(session, leave.user)
    leave.decided_by = principal.username
    leave.decided_at = utcnow()
    await LEAVE.apply(session, leave, "approve")
    await shifts.uncover(session, leave)


async def refuse(
    session: AsyncSession, leave: LeaveRequest, reason: str, principal: Principal
) -> None:
    LEAVE.check(leave, "refuse")
    require_decide_leave(principal, leave.user)
    leave.decided_by = principal.username
    leave.decided_at = utcnow()
    leave.refusal_reason = reason.strip()
    await LEAVE.apply(session, leave, "refuse")


async def cancel(session: AsyncSession, leave: LeaveRequest, principal: Principal) -> None:
    LEAVE.check(leave, "cancel")
    if principal.username not in (leave.user, leave.requested_by) and not principal.is_admin:
        raise Forbidden(
            f"only {leave.user} or whoever entered the request cancels it", field="user"
        )
    await shifts.lock_user(session, leave.user)
    was_approved = leave.status == "approved"
    leave.cancelled_by = principal.username
    await LEAVE.apply(session, leave, "cancel")
    if was_approved:
        await shifts.cover_again(session, leave)


LIST = ListSpec(
    filters=(
        Filter("property_id", column=LeaveRequest.property_id, max_length=36),
        Filter("user", column=LeaveRequest.user, max_length=80),
        Filter("status", column=LeaveRequest.status, values=LEAVE_STATES),
        Filter("kind", column=LeaveRequest.kind, values=LEAVE_KINDS),
    ),
    sort={"from": LeaveRequest.date_from, "created_at": LeaveRequest.created_at},
    default_sort="-created_at",
    id_column=LeaveRequest.id,
)


def list_query(query: ListQuery, principal: Principal) -> Select[tuple[LeaveRequest]]:
    """The requests of the properties the user sees (all, with those of no property, for a user
    who sees every property)."""
    stmt = scope_to_properties(select(LeaveRequest), LeaveRequest.property_id, principal)
    return LIST.apply(stmt, query)
