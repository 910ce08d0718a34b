"""The navigation: one registry of entries, each with the roles that see it. A route module adds
its entries at import (``nav.add(NavItem(...))``); the base template shows the ones the signed-in
user's roles allow, in ``order``. ``admin`` sees every entry."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.portal.i18n import N_


@dataclass(frozen=True)
class NavItem:
    key: str  # unique; also marks the current page (``render(..., nav="key")``)
    path: str
    label: str  # an English msgid (translated when shown)
    roles: frozenset[str]  # who sees it (admin always does)
    order: int = 100
    icon: str = ""  # one of the symbols in templates/icons.html


_ITEMS: dict[str, NavItem] = {}


def add(item: NavItem) -> NavItem:
    _ITEMS[item.key] = item
    return item


def visible(roles: frozenset[str] | set[str]) -> list[NavItem]:
    return sorted(
        (i for i in _ITEMS.values() if "admin" in roles or i.roles & roles),
        key=lambda i: (i.order, i.key),
    )


def allowed(key: str, roles: frozenset[str] | set[str]) -> bool:
    item = _ITEMS.get(key)
    return item is not None and ("admin" in roles or bool(item.roles & roles))


def home_path(roles: frozenset[str] | set[str]) -> str:
    """Where a user lands after sign-in: their first entry."""
    items = visible(roles)
    return items[0].path if items else "/account"


DESK = frozenset({"frontdesk", "manager"})
DESK_WRITE = frozenset({"frontdesk"})
FEES = frozenset({"fees", "manager"})
DEPARTMENT_ROLES = frozenset({"engineering", "cleaning", "security", "leasing", "fees"})

# The desk's and departments' entries (portal-a); manager/admin entries are added by their modules.
add(NavItem("complaints", "/complaints", N_("Complaints"), DESK, 10, "inbox"))
add(NavItem("record", "/complaints/new", N_("Record a complaint"), DESK_WRITE, 11, "plus"))
add(NavItem("callbacks", "/callbacks", N_("Callbacks"), DESK, 12, "phone"))
add(NavItem("calls", "/calls", N_("Phone log"), DESK, 13, "log"))
add(NavItem("register", "/register", N_("Register"), DESK, 14, "building"))
add(NavItem("paid_services", "/paid-services", N_("Paid services"), DESK, 15, "tag"))
add(NavItem("notices", "/notices", N_("Notices"), DESK, 16, "board"))
add(NavItem("tasks", "/tasks", N_("Tasks"), DEPARTMENT_ROLES | {"manager"}, 20, "wrench"))
add(NavItem("accounts", "/fees/accounts", N_("Fee accounts"), FEES, 30, "coins"))
