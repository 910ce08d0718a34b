"""Leasing (租務): spaces, negotiations with their offers, contracts (signing, renewal, early
termination, those ending soon), venue bookings (signing with the fee, check-in, check-out with
the condition) and ads (approval, what is up, what expires; the artwork picked from leasing's
copy of the front desk's archive, its file downloaded through the archive's page for users who
may read the front desk). Through the leasing API only."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal import lookups, nav
from gateway.portal.client import ApiError, Forbidden, new_idempotency_key
from gateway.portal.i18n import N_
from gateway.portal.nav import NavItem
from gateway.portal.routes.desk import _params_fn
from gateway.portal.routes.documents import file_from, size_text
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
API = "/api/leasing/v1"
READERS = frozenset({"leasing", "manager"})
nav.add(NavItem("leasing", "/leasing/contracts", N_("Leasing"), READERS, 25, "building"))

# the leasing pages' tabs: path, label
SECTIONS: tuple[tuple[str, str], ...] = (
    ("contracts", N_("Contracts")),
    ("negotiations", N_("Negotiations")),
    ("venues", N_("Venue bookings")),
    ("ads", N_("Ads")),
    ("spaces", N_("Spaces")),
)
ENDING_SOON_DAYS = 60
EXPIRING_DAYS = 30


def _require(user: PortalUser, write: bool = False) -> None:
    if not (user.may_write("leasing") if write else user.has("leasing", "manager")):
        raise Forbidden(403, {"detail": "leasing only"})


def _offset(request: Request) -> int:
    value = request.query_params.get("offset", "0")
    return int(value) if value.isdigit() else 0


async def _spaces(user: PortalUser, kind: str | None = None) -> dict[str, dict[str, Any]]:
    params: dict[str, Any] = {"limit": 500}
    if kind:
        params["kind"] = kind
    page = await user.api.get(f"{API}/spaces", **params)
    return {s["id"]: s for s in page["items"]}


async def _property_choices(user: PortalUser) -> list[tuple[str, str]]:
    """The properties a space can be registered in: those leasing knows from the register, by
    their names where the front desk's register is readable to the user, else their codes."""
    known, names = await asyncio.gather(
        user.api.get(f"{API}/properties", limit=500), lookups.properties(user.api)
    )
    return [
        (p["id"], f"{p['code']} · {names[p['id']]['name']}" if p["id"] in names else p["code"])
        for p in known["items"]
    ]


def _values(form: Any) -> dict[str, str]:
    return {k: str(v).strip() for k, v in form.items() if k != "csrf_token"}


def _money(value: str | None) -> str | None:
    text = (value or "").replace(",", "").removeprefix("HK$").strip()
    return text or None


def _version(values: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    if values.get("version", "").isdigit():
        body["version"] = int(values["version"])
    return body


def _local(request: Request, day: str, clock: str) -> str:
    """A date and a time typed in the portal's time zone, as an ISO instant (the API's)."""
    try:
        tz = ZoneInfo(request.app.state.settings.portal_time_zone)
        return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=tz).isoformat()
    except ValueError:
        return f"{day}T{clock}" if day or clock else ""


def _ctx(section: str, **values: Any) -> dict[str, Any]:
    spaces_ = values.get("spaces") or values.get("venues") or values.get("boards") or {}
    choices = [(s["id"], f"{s['code']} · {s['name']}") for s in spaces_.values()]
    return {"sections": SECTIONS, "section": section, "space_choices": choices, **values}


async def _form_failed(
    request: Request,
    exc: ApiError,
    values: dict[str, str],
    page: Callable[[], Any],
    template: str,
    key: str = "form",
    fields: tuple[str, ...] = (),
) -> Response:
    """Render the page again with the API's errors next to the fields, the values kept."""
    if exc.status in (403, 404):
        raise exc
    ctx = await page()
    ctx[key] = FormState.from_error(exc, values, formatter(request), fields)
    ctx["open_action"] = values.get("_action", "")
    return render(request, template, ctx, status=exc.status, nav_key="leasing")


# --- spaces -------------------------------------------------------------------------------------


async def _spaces_page(request: Request, user: PortalUser) -> dict[str, Any]:
    kind = request.query_params.get("kind", "")
    params: dict[str, Any] = {"limit": 50, "offset": _offset(request)}
    if kind:
        params["kind"] = kind
    page, properties = await asyncio.gather(
        user.api.get(f"{API}/spaces", **params), _property_choices(user)
    )
    return _ctx(
        "spaces",
        page=page,
        kind=kind,
        property_choices=properties,
        params=_params_fn({"kind": kind}),
        idem=new_idempotency_key(),
    )


@router.get("/leasing/spaces")
async def spaces(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require(user)
    ctx = await _spaces_page(request, user)
    return render(request, "leasing/spaces.html", ctx, nav_key="leasing")


@router.post("/leasing/spaces")
async def create_space(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require(user, write=True)
    values = _values(await request.form())
    body = {
        "property_id": values.get("property_id", ""),
        "kind": values.get("kind", ""),
        "code": values.get("code", ""),
        "name": values.get("name", ""),
        "location": values.get("location", ""),
        "size": values.get("size") or None,
        "list_rent": _money(values.get("list_rent")),
    }
    try:
        await user.api.post(f"{API}/spaces", body, idempotency_key=values.get("idem") or None)
    except ApiError as exc:
        return await _form_failed(
            request, exc, values, lambda: _spaces_page(request, user), "leasing/spaces.html"
        )
    return redirect(request, "/leasing/spaces")


# --- negotiations -------------------------------------------------------------------------------


async def _negotiations_page(request: Request, user: PortalUser) -> dict[str, Any]:
    status = request.query_params.get("status", "")
    params: dict[str, Any] = {"limit": 50, "offset": _offset(request)}
    if status:
        params["status"] = status
    page, spaces_ = await asyncio.gather(
        user.api.get(f"{API}/negotiations", **params), _spaces(user)
    )
    return _ctx(
        "negotiations",
        page=page,
        status=status,
        spaces=spaces_,
        params=_params_fn({"status": status}),
        idem=new_idempotency_key(),
    )


@router.get("/leasing/negotiations")
async def negotiations(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require(user)
    ctx = await _negotiations_page(request, user)
    return render(request, "leasing/negotiations.html", ctx, nav_key="leasing")


def _counterparty(values: dict[str, str]) -> dict[str, Any]:
    return {
        "name": values.get("counterparty.name", ""),
        "company": values.get("counterparty.company") or None,
        "phone": values.get("counterparty.phone", ""),
    }


@router.post("/leasing/negotiations")
async def open_negotiation(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require(user, write=True)
    values = _values(await request.form())
    body = {
        "space_id": values.get("space_id", ""),
        "counterparty": _counterparty(values),
        "proposed_rent": _money(values.get("proposed_rent")),
        "notes": values.get("notes", ""),
    }
    try:
        made = await user.api.post(
            f"{API}/negotiations", body, idempotency_key=values.get("idem") or None
        )
    except ApiError as exc:
        return await _form_failed(
            request,
            exc,
            values,
            lambda: _negotiations_page(request, user),
            "leasing/negotiations.html",
        )
    return redirect(request, f"/leasing/negotiations/{made['id']}")


async def _negotiation_page(user: PortalUser, negotiation_id: str) -> dict[str, Any]:
    n = await user.api.get(f"{API}/negotiations/{negotiation_id}")
    space = await user.api.get(f"{API}/spaces/{n['space_id']}")
    return _ctx("negotiations", n=n, space=space)


@router.get("/leasing/negotiations/{negotiation_id}")
async def negotiation(
    request: Request, negotiation_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    _require(user)
    ctx = await _negotiation_page(user, negotiation_id)
    return render(request, "leasing/negotiation.html", ctx, nav_key="leasing")


@router.post("/leasing/negotiations/{negotiation_id}/{action}")
async def negotiation_action(
    request: Request, negotiation_id: str, action: str, user: PortalUser = Depends(form_user)
) -> Response:
    _require(user, write=True)
    if action not in ("offers", "agree", "lose"):
        raise Forbidden(403, {"detail": "no such action"})
    values = _values(await request.form())
    values["_action"] = action
    body: dict[str, Any] = {}
    if action == "offers":
        body = {
            "offered_by": values.get("offered_by", ""),
            "rent": _money(values.get("rent")),
            "notes": values.get("notes") or None,
        }
    elif action == "agree":
        body = {"rent": _money(values.get("rent")), "notes": values.get("notes") or None}
    else:
        body = {"reason": values.get("reason", "")}
    try:
        await user.api.post(f"{API}/negotiations/{negotiation_id}/{action}", _version(values, body))
    except ApiError as exc:
        return await _form_failed(
            request,
            exc,
            values,
            lambda: _negotiation_page(user, negotiation_id),
            "leasing/negotiation.html",
            key="action_form",
        )
    return redirect(request, f"/leasing/negotiations/{negotiation_id}")


# --- contracts ----------------------------------------------------------------------------------


async def _contracts_page(request: Request, user: PortalUser) -> dict[str, Any]:
    q = request.query_params
    view = q.get("view") if q.get("view") in ("ending", "all") else "all"
    status = q.get("status", "")
    params: dict[str, Any] = {"limit": 50, "offset": _offset(request)}
    if view == "ending":
        params.update(ending_within_days=ENDING_SOON_DAYS, sort="end_date")
    elif status:
        params["status"] = status
    page, spaces_ = await asyncio.gather(user.api.get(f"{API}/contracts", **params), _spaces(user))
    prefill: dict[str, str] = {}
    if q.get("negotiation_id"):
        n = await user.api.get(f"{API}/negotiations/{q['negotiation_id']}")
        prefill = {
            "negotiation_id": n["id"],
            "space_id": n["space_id"],
            "counterparty.name": n["counterparty"]["name"],
            "counterparty.company": n["counterparty"].get("company") or "",
            "counterparty.phone": n["counterparty"]["phone"],
            "rent": n.get("agreed_rent") or "",
        }
    return _ctx(
        "contracts",
        page=page,
        view=view,
        status=status,
        spaces=spaces_,
        days=ENDING_SOON_DAYS,
        params=_params_fn({"view": view, "status": status}),
        idem=new_idempotency_key(),
        form=FormState(values={"billing_cycle": "monthly", **prefill}),
    )


@router.get("/leasing/contracts")
async def contracts(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require(user)
    ctx = await _contracts_page(request, user)
    return render(request, "leasing/contracts.html", ctx, nav_key="leasing")


@router.post("/leasing/contracts")
async def create_contract(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require(user, write=True)
    values = _values(await request.form())
    body = {
        "space_id": values.get("space_id", ""),
        "negotiation_id": values.get("negotiation_id") or None,
        "counterparty": _counterparty(values),
        "start_date": values.get("start_date", ""),
        "end_date": values.get("end_date", ""),
        "rent": _money(values.get("rent")),
        "billing_cycle": values.get("billing_cycle", ""),
        "deposit": _money(values.get("deposit")),
    }
    try:
        made = await user.api.post(
            f"{API}/contracts", body, idempotency_key=values.get("idem") or None
        )
    except ApiError as exc:
        return await _form_failed(
            request, exc, values, lambda: _contracts_page(request, user), "leasing/contracts.html"
        )
    return redirect(request, f"/leasing/contracts/{made['id']}")


async def _contract_page(user: PortalUser, contract_id: str) -> dict[str, Any]:
    c = await user.api.get(f"{API}/contracts/{contract_id}")
    space = await user.api.get(f"{API}/spaces/{c['space_id']}")
    return _ctx("contracts", c=c, space=space)


@router.get("/leasing/contracts/{contract_id}")
async def contract(
    request: Request, contract_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    _require(user)
    ctx = await _contract_page(user, contract_id)
    return render(request, "leasing/contract.html", ctx, nav_key="leasing")


@router.post("/leasing/contracts/{contract_id}/{action}")
async def contract_action(
    request: Request, contract_id: str, action: str, user: PortalUser = Depends(form_user)
) -> Response:
    _require(user, write=True)
    if action not in ("sign", "renew", "terminate", "cancel"):
        raise Forbidden(403, {"detail": "no such action"})
    values = _values(await request.form())
    values["_action"] = action
    body: dict[str, Any] = {}
    if action == "renew":
        body = {"end_date": values.get("end_date", ""), "rent": _money(values.get("rent"))}
    elif action == "terminate":
        body = {"terminated_on": values.get("terminated_on", ""), "reason": values.get("reason")}
    elif action == "cancel":
        body = {"reason": values.get("reason", "")}
    try:
        await user.api.post(f"{API}/contracts/{contract_id}/{action}", _version(values, body))
    except ApiError as exc:
        return await _form_failed(
            request,
            exc,
            values,
            lambda: _contract_page(user, contract_id),
            "leasing/contract.html",
            key="action_form",
        )
    return redirect(request, f"/leasing/contracts/{contract_id}")


# --- venue bookings -----------------------------------------------------------------------------


async def _venues_page(request: Request, user: PortalUser) -> dict[str, Any]:
    view = request.query_params.get("view", "upcoming")
    view = view if view in ("upcoming", "damaged", "all") else "upcoming"
    params: dict[str, Any] = {"limit": 50, "offset": _offset(request)}
    if view == "upcoming":
        params["upcoming"] = "true"
    elif view == "damaged":
        params["damaged"] = "true"
    else:
        params["sort"] = "-start"
    page, venues = await asyncio.gather(
        user.api.get(f"{API}/venue-bookings", **params), _spaces(user, "venue")
    )
    return _ctx(
        "venues",
        page=page,
        view=view,
        venues=venues,
        params=_params_fn({"view": view}),
        idem=new_idempotency_key(),
    )


@router.get("/leasing/venues")
async def venue_bookings(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require(user)
    ctx = await _venues_page(request, user)
    return render(request, "leasing/venues.html", ctx, nav_key="leasing")


@router.post("/leasing/venues")
async def book_venue(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require(user, write=True)
    values = _values(await request.form())
    body = {
        "space_id": values.get("space_id", ""),
        "start": _local(request, values.get("day", ""), values.get("start_time", "")),
        "end": _local(request, values.get("day", ""), values.get("end_time", "")),
        "organizer": values.get("organizer", ""),
        "organizer_phone": values.get("organizer_phone") or None,
        "purpose": values.get("purpose", ""),
        "fee": _money(values.get("fee")),
    }
    # the API's start/end errors belong next to the time fields of the form
    values.setdefault("start", "")
    values.setdefault("end", "")
    try:
        made = await user.api.post(
            f"{API}/venue-bookings", body, idempotency_key=values.get("idem") or None
        )
    except ApiError as exc:
        return await _form_failed(
            request, exc, values, lambda: _venues_page(request, user), "leasing/venues.html"
        )
    return redirect(request, f"/leasing/venues/{made['id']}")


async def _booking_page(user: PortalUser, booking_id: str) -> dict[str, Any]:
    b = await user.api.get(f"{API}/venue-bookings/{booking_id}")
    space = await user.api.get(f"{API}/spaces/{b['space_id']}")
    return _ctx("venues", b=b, space=space)


@router.get("/leasing/venues/{booking_id}")
async def venue_booking(
    request: Request, booking_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    _require(user)
    ctx = await _booking_page(user, booking_id)
    return render(request, "leasing/booking.html", ctx, nav_key="leasing")


@router.post("/leasing/venues/{booking_id}/{action}")
async def booking_action(
    request: Request, booking_id: str, action: str, user: PortalUser = Depends(form_user)
) -> Response:
    _require(user, write=True)
    if action not in ("sign", "check-in", "check-out", "cancel"):
        raise Forbidden(403, {"detail": "no such action"})
    values = _values(await request.form())
    values["_action"] = action
    body: dict[str, Any] = {
        "sign": lambda: {"fee": _money(values.get("fee"))},
        "check-in": lambda: {"note": values.get("note") or None},
        "check-out": lambda: {
            "condition_note": values.get("condition_note", ""),
            "damage": values.get("damage") or None,
        },
        "cancel": lambda: {"reason": values.get("reason", "")},
    }[action]()
    try:
        await user.api.post(f"{API}/venue-bookings/{booking_id}/{action}", _version(values, body))
    except ApiError as exc:
        return await _form_failed(
            request,
            exc,
            values,
            lambda: _booking_page(user, booking_id),
            "leasing/booking.html",
            key="action_form",
        )
    return redirect(request, f"/leasing/venues/{booking_id}")


# --- ads ----------------------------------------------------------------------------------------

AD_VIEWS: dict[str, dict[str, Any]] = {
    "current": {"current": "true"},
    "expiring": {"expiring_within_days": EXPIRING_DAYS},
    "expired": {"expired": "true"},
    "pending": {"status": "pending", "sort": "starts_on"},
    "all": {"sort": "-created_at"},
}


def _with_size(placement: dict[str, Any]) -> dict[str, Any]:
    if placement.get("artwork_document"):
        doc = placement["artwork_document"]
        doc["size_text"] = size_text(doc["size"])
    return placement


async def _artwork_choices(user: PortalUser) -> list[tuple[str, str]]:
    """The artwork an ad may show: the active artwork documents of the archive leasing knows,
    each with its property's code (the ad space's property must match)."""
    docs, known = await asyncio.gather(
        user.api.get(f"{API}/artwork-documents", limit=500, sort="title"),
        user.api.get(f"{API}/properties", limit=500),
    )
    codes = {p["id"]: p["code"] for p in known["items"]}
    return [
        (d["id"], f"{d['title']} · {codes.get(d['property_id'], d['property_id'])}")
        for d in docs["items"]
    ]


async def _ads_page(request: Request, user: PortalUser) -> dict[str, Any]:
    view = request.query_params.get("view", "current")
    view = view if view in AD_VIEWS else "current"
    params = {"limit": 50, "offset": _offset(request), **AD_VIEWS[view]}
    page, boards, artwork = await asyncio.gather(
        user.api.get(f"{API}/ad-placements", **params),
        _spaces(user, "ad_space"),
        _artwork_choices(user) if user.may_write("leasing") else asyncio.sleep(0, []),
    )
    for a in page["items"]:
        _with_size(a)
    return _ctx(
        "ads",
        page=page,
        view=view,
        boards=boards,
        artwork_choices=artwork,
        days=EXPIRING_DAYS,
        params=_params_fn({"view": view}),
        idem=new_idempotency_key(),
    )


@router.get("/leasing/ads")
async def ads(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require(user)
    ctx = await _ads_page(request, user)
    return render(request, "leasing/ads.html", ctx, nav_key="leasing")


@router.post("/leasing/ads")
async def submit_ad(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require(user, write=True)
    values = _values(await request.form())
    body = {
        "space_id": values.get("space_id", ""),
        "advertiser": values.get("advertiser", ""),
        "artwork": values.get("artwork", ""),
        "starts_on": values.get("starts_on", ""),
        "ends_on": values.get("ends_on", ""),
    }
    if values.get("artwork_document_id"):
        body["artwork_document_id"] = values["artwork_document_id"]
    try:
        await user.api.post(
            f"{API}/ad-placements", body, idempotency_key=values.get("idem") or None
        )
    except ApiError as exc:
        return await _form_failed(
            request, exc, values, lambda: _ads_page(request, user), "leasing/ads.html"
        )
    return redirect(request, "/leasing/ads?view=pending")


@router.get("/leasing/artwork/{document_id}")
async def artwork_file(
    request: Request, document_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    """An ad's artwork, downloaded from the desk's archive: leasing approves the ads showing it
    (the desk answers artwork only on this path)."""
    if not user.has("leasing", "manager", "frontdesk"):
        raise Forbidden(403, {"detail": "leasing only"})
    return await file_from(user, f"{lookups.FD}/artwork/{document_id}/content")


@router.get("/leasing/ads/{placement_id}")
async def ad(
    request: Request, placement_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    _require(user)
    a = _with_size(await user.api.get(f"{API}/ad-placements/{placement_id}"))
    board = await user.api.get(f"{API}/spaces/{a['space_id']}")
    ctx = _ctx("ads", a=a, board=board)
    return render(request, "leasing/ad.html", ctx, nav_key="leasing")


@router.post("/leasing/ads/{placement_id}/{action}")
async def review_ad(
    request: Request, placement_id: str, action: str, user: PortalUser = Depends(form_user)
) -> Response:
    _require(user, write=True)
    if action not in ("approve", "reject"):
        raise Forbidden(403, {"detail": "no such action"})
    values = _values(await request.form())
    values["_action"] = f"{action}:{placement_id}"
    body = _version(values, {"note": values.get("note") or None})
    try:
        await user.api.post(f"{API}/ad-placements/{placement_id}/{action}", body)
    except ApiError as exc:
        return await _form_failed(
            request,
            exc,
            values,
            lambda: _ads_page(request, user),
            "leasing/ads.html",
            key="action_form",
        )
    return redirect(request, "/leasing/ads?view=pending")
