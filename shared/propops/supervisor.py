"""The front desk's supervisor (客服領班): who decides what about the desk's staff and its day.

The ``supervisor`` role is held by a front-desk user besides ``frontdesk`` (the gateway refuses
it alone); it grants nothing outside the front desk by itself. The rules, ONE place for the
front desk service (which enforces them: ``require_*``, 403 naming the field) and the portal
(which shows an action only when its rule allows it):

- leave: approved or refused by a supervisor or a manager, never by the one on leave;
- the roster: shifts added, reassigned and cancelled by a supervisor (or an admin);
- clock-in and clock-out: by the shift's own user, or for them by a supervisor (or an admin),
  who is recorded as ``clocked_in_by`` / ``clocked_out_by``;
- the day's review: signed by a supervisor or a manager.

Admins may do each. A role change raises the user's version, so a token still naming the old
roles stops working (``propops.directory``): the roles a principal carries are current.
"""

from __future__ import annotations

from propops.auth import Principal
from propops.errors import Forbidden

SUPERVISOR = "supervisor"
DESK = "frontdesk"


def is_supervisor(principal: Principal) -> bool:
    """A front-desk user who is also the desk's supervisor."""
    return {SUPERVISOR, DESK} <= principal.roles


def may_decide_leave(principal: Principal, leave_user: str | None = None) -> bool:
    """Approve or refuse a leave request (of ``leave_user``, when known)."""
    if leave_user is not None and principal.username == leave_user:
        return False
    return principal.is_admin or is_supervisor(principal) or "manager" in principal.roles


def may_keep_roster(principal: Principal) -> bool:
    """Add, reassign and cancel the desk's shifts."""
    return principal.is_admin or is_supervisor(principal)


def may_clock(principal: Principal, shift_user: str) -> bool:
    """Clock ``shift_user`` in or out: oneself (any front-desk user), or as their supervisor."""
    if principal.username == shift_user:
        return principal.is_admin or DESK in principal.roles
    return principal.is_admin or is_supervisor(principal)


def may_sign_review(principal: Principal) -> bool:
    """Sign a property's day (the daily review)."""
    return principal.is_admin or is_supervisor(principal) or "manager" in principal.roles


def require_decide_leave(principal: Principal, leave_user: str) -> None:
    if principal.username == leave_user:
        raise Forbidden("no one decides on their own leave", field="decided_by")
    if not may_decide_leave(principal, leave_user):
        raise Forbidden(
            "only the front desk's supervisor or a manager approves or refuses leave",
            field="decided_by",
        )


def require_keep_roster(principal: Principal) -> None:
    if not may_keep_roster(principal):
        raise Forbidden(
            "only the front desk's supervisor adds, reassigns or cancels shifts", field="user"
        )


def require_clock(principal: Principal, shift_user: str) -> None:
    if not may_clock(principal, shift_user):
        raise Forbidden(
            f"only {shift_user} or the front desk's supervisor clocks in and out of this shift",
            field="user",
        )


def require_sign_review(principal: Principal) -> None:
    if not may_sign_review(principal):
        raise Forbidden(
            "only the front desk's supervisor or a manager signs the daily review",
            field="signed_by",
        )
