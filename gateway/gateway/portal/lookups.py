"""Look-ups several pages share: properties by id, unit and party search, complaint actions the
state allows. All through the user's API."""

from __future__ import annotations

import asyncio
import unicodedata
from typing import Any

from gateway.portal.client import Api, ApiError, Forbidden

FD = "/api/frontdesk/v1"


async def properties(api: Api) -> dict[str, dict[str, Any]]:
    """The properties this user sees, by id (for names and the property filter)."""
    try:
        page = await api.get(f"{FD}/properties", limit=500)
    except Forbidden:  # a department without front-desk rights: names stay unknown
        return {}
    return {p["id"]: p for p in page["items"]}


async def _search(
    api: Api, path: str, q: str, fallback: dict[str, Any]
) -> tuple[list[dict[str, Any]], bool]:
    """``q=`` search where the API has it (answer: items, True); else the list (with its own
    filter, if any) for the caller to filter (items, False)."""
    try:
        found, everything = await asyncio.gather(
            api.get(path, q=q, limit=200), api.get(path, limit=1)
        )
        if found["total"] < everything["total"] or everything["total"] == 0:
            return found["items"], True
        # an API without q= ignores it and answers everything
    except ApiError as exc:
        if exc.status not in (400, 422):
            raise
    return (await api.get(path, limit=500, **fallback))["items"], False


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


async def search_units(api: Api, q: str, property_id: str | None = None) -> list[dict[str, Any]]:
    """Units whose number or building contains ``q`` (e.g. "12F", "A 3")."""
    q = q.strip()
    if not q:
        return []
    units, searched = await _search(api, f"{FD}/units", q, {})
    if not searched:
        needle = _norm(q)
        units = [
            u
            for u in units
            if needle in _norm(f"{u['building']}{u['number']}") or needle in _norm(u["number"])
        ]
    if property_id:
        units = [u for u in units if u["property_id"] == property_id]
    return units[:20]


async def search_parties(api: Api, q: str) -> list[dict[str, Any]]:
    """People or companies whose name (or phone, where the API searches it) contains ``q``."""
    q = q.strip()
    if not q:
        return []
    digits = "".join(ch for ch in q if ch.isdigit())
    parties, searched = await _search(api, f"{FD}/parties", q, {} if digits else {"name": q})
    if not searched:  # an older API: names here; phones are masked in lists (last digits)
        needle = _norm(q)
        parties = [
            p
            for p in parties
            if needle in _norm(p["name"]) or (digits and digits in p["phone"].replace(" ", ""))
        ]
    return parties[:20]


FINAL = ("closed", "cancelled")


def complaint_actions(c: dict[str, Any]) -> list[str]:
    """The actions the complaint's current state allows (the API's rules; it refuses the rest)."""
    if isinstance(c.get("actions"), list):  # the API says so itself
        return list(c["actions"])
    status = c["status"]
    nature = c.get("nature")
    out: list[str] = []
    if status in ("recorded", "classified", "dispatched", "in_progress", "reopened"):
        out.append("classify")
    if status not in FINAL and not c.get("identity_confirmed_at"):
        out.append("confirm-identity")
    identity_ok = nature != "communication" or bool(c.get("identity_confirmed_at"))
    if status in ("classified", "reopened") and identity_ok and c.get("department"):
        if c.get("kind") == "consult":
            out.append("answer")
        out.append("dispatch")
    if status == "in_progress" and c.get("department") == "frontdesk":
        out.append("resolve")
    if nature == "valid" and status in ("classified", "dispatched", "in_progress", "reopened"):
        out.append("site-visits")
    if status not in FINAL:
        out.append("commitments")
    if status not in FINAL and nature == "communication":
        out.append("escalate")
    if status not in FINAL:
        out.append("cancel")
    return out


async def fee_properties(api: Api) -> dict[str, dict[str, Any]]:
    """The properties for the fee pages: the front desk's register where the user may read it;
    otherwise (a fees clerk) those fees knows from its accounts, named by their code."""
    props = await properties(api)
    if props:
        return props
    page = await api.get("/api/fees/v1/accounts", limit=500, holder="unit")
    known: dict[str, dict[str, Any]] = {}
    for a in page["items"]:
        known.setdefault(
            a["property_id"], {"id": a["property_id"], "name": a["property_code"] or "—"}
        )
    return known
