"""Release passes (放行單) at the front desk: the list, a new pass (unit, requester, items),
the owner's confirmation, a manager's override of arrears, issue, cancel; a pass printable for
the gate."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal import lookups, nav
from gateway.portal.client import ApiError, Forbidden, new_idempotency_key
from gateway.portal.i18n import N_
from gateway.portal.records import form_values, post_action
from gateway.portal.web import (
    FormState,
    PortalUser,
    form_user,
    formatter,
    page_user,
    redirect,
    render,
)

router = APIRouter()
FD = lookups.FD
nav.add(nav.NavItem("passes", "/release-passes", N_("Release passes"), nav.DESK, 16, "log"))

ITEM_ROWS = 6
DESK_ACTIONS = ("owner-confirmation", "issue", "cancel")


def _require_desk(user: PortalUser, write: bool = False) -> None:
    ok = user.may_write("frontdesk") if write else user.has("frontdesk", "manager")
    if not ok:
        raise Forbidden(403, {"detail": "front desk only"})


def pass_actions(p: dict[str, Any], user: PortalUser) -> list[str]:
    actions: list[str] = []
    desk = user.may_write("frontdesk")
    if p["status"] == "requested":
        if desk and p["owner_confirmation_needed"] and not p["owner_confirmed_at"]:
            actions.append("owner-confirmation")
        if user.has("manager") and p["payment_status"] == "arrears" and not p["override_reason"]:
            actions.append("override")
        if desk and not p["missing"]:
            actions.append("issue")
    if desk and p["status"] in ("requested", "issued"):
        actions.append("cancel")
    return actions


@router.get("/release-passes")
async def passes(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_desk(user)
    qp = request.query_params
    filters = {"status": qp.get("status", ""), "q": qp.get("q", "").strip()}
    offset = qp.get("offset", "0")
    page = await user.api.get(
        f"{FD}/release-passes", **filters, limit=50, offset=int(offset) if offset.isdigit() else 0
    )
    return render(
        request,
        "passes/list.html",
        {
            "page": page,
            "filters": filters,
            "params": urlencode({k: v for k, v in filters.items() if v}),
        },
        nav_key="passes",
    )


def _new_context(props: dict[str, Any], form: FormState, idem: str | None) -> dict[str, Any]:
    return {
        "props": props,
        "form": form,
        "idem": idem or new_idempotency_key(),
        "rows": range(1, ITEM_ROWS + 1),
    }


@router.get("/release-passes/new")
async def new_pass(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_desk(user, write=True)
    props = await lookups.properties(user.api)
    form = FormState(values={"property_id": next(iter(props), ""), "qty_1": "1"})
    return render(request, "passes/new.html", _new_context(props, form, None), nav_key="passes")


def _local_iso(value: str, tz: str) -> str | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=ZoneInfo(tz)).isoformat()
    except ValueError:
        return value


def _items(values: dict[str, str]) -> list[dict[str, Any]]:
    items = []
    for n in range(1, ITEM_ROWS + 1):
        description = values.get(f"item_{n}", "")
        quantity = values.get(f"qty_{n}", "")
        if description or (quantity and quantity != "1"):
            qty: Any = int(quantity) if quantity.isdigit() else quantity
            items.append({"description": description, "quantity": qty})
    return items


def _item_errors(state: FormState) -> None:
    """``items.0.quantity`` from the API onto the row's own field."""
    for name in list(state.errors):
        parts = name.split(".")
        if parts[0] == "items" and len(parts) == 3 and parts[1].isdigit():
            field = "item" if parts[2] == "description" else "qty"
            state.errors[f"{field}_{int(parts[1]) + 1}"] = state.errors.pop(name)
        elif name == "items":
            state.errors["item_1"] = state.errors.pop(name)


@router.post("/release-passes/new")
async def request_pass(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require_desk(user, write=True)
    values = form_values(await request.form())
    props = await lookups.properties(user.api)
    tz = props.get(values.get("property_id", ""), {}).get("time_zone") or (
        request.app.state.settings.portal_time_zone
    )
    body = {
        "unit_id": values.get("unit_id", ""),
        "requester_party_id": values.get("party_id", ""),
        "items": _items(values),
        "reason": values.get("reason", ""),
        "planned_at": _local_iso(values.get("planned_at", ""), tz),
        "valid_until": _local_iso(values.get("valid_until", ""), tz),
    }
    try:
        created = await user.api.post(
            f"{FD}/release-passes", body, idempotency_key=values.get("idempotency_key") or None
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        state = FormState.from_error(
            exc,
            values,
            formatter(request),
            fields=("unit_id", "requester_party_id", "items", "items.0.quantity"),
        )
        if "requester_party_id" in state.errors:
            state.errors["party_id"] = state.errors.pop("requester_party_id")
        _item_errors(state)
        ctx = _new_context(props, state, values.get("idempotency_key"))
        return render(request, "passes/new.html", ctx, status=422, nav_key="passes")
    return redirect(request, f"/release-passes/{created['id']}")


async def _pass_context(request: Request, user: PortalUser, pass_id: str) -> dict[str, Any]:
    p = await user.api.get(f"{FD}/release-passes/{pass_id}")
    props = await lookups.properties(user.api)
    prop = props.get(p["property_id"], {})
    unit = await user.api.get_or_none(f"{FD}/units/{p['unit_id']}")
    return {
        "p": p,
        "prop": prop,
        "owners": (unit or {}).get("owners", []),
        "actions": pass_actions(p, user),
        "fm": formatter(request).zone(prop.get("time_zone")),
    }


@router.get("/release-passes/{pass_id}")
async def pass_page(
    request: Request, pass_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    _require_desk(user)
    ctx = await _pass_context(request, user, pass_id)
    return render(request, "passes/pass.html", ctx, nav_key="passes")


@router.get("/release-passes/{pass_id}/print")
async def pass_print(
    request: Request, pass_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    _require_desk(user)
    ctx = await _pass_context(request, user, pass_id)
    return render(request, "passes/print.html", ctx, nav_key="passes")


def _body(action: str, values: dict[str, str]) -> dict[str, Any] | None:
    if action == "owner-confirmation":
        return {
            "owner_party_id": values.get("owner_party_id", ""),
            "method": values.get("method", ""),
            "notes": values.get("notes") or None,
        }
    if action == "override":
        return {"reason": values.get("reason", "")}
    if action == "cancel":
        return {"reason": values.get("reason") or None}
    return None


@router.post("/release-passes/{pass_id}/{action}")
async def pass_action(
    request: Request, pass_id: str, action: str, user: PortalUser = Depends(form_user)
) -> Response:
    if action == "override":
        if not user.has("manager"):
            raise Forbidden(403, {"detail": "managers only"})
    else:
        _require_desk(user, write=True)
        if action not in DESK_ACTIONS:
            raise Forbidden(403, {"detail": "no such action"})
    form = await request.form()
    values = form_values(form)
    version = str(form.get("version") or "") or None
    path = f"{FD}/release-passes/{pass_id}/{action}"
    refused = await post_action(user.api, path, _body(action, values), version)
    if refused is not None:
        ctx = await _pass_context(request, user, pass_id)
        ctx["open_action"] = action
        ctx["action_form"] = FormState.from_error(
            refused, values, formatter(request), fields=("owner_party_id", "method")
        )
        return render(request, "passes/pass.html", ctx, status=refused.status, nav_key="passes")
    return redirect(request, f"/release-passes/{pass_id}")
