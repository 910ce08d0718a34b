"""The document archive's pages: a unit's or a person's documents (upload, list, download,
archive), and the latest documents of every unit and person and of the properties themselves
(an ad's artwork: leasing's ads name it)."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from gateway.portal import lookups, nav
from gateway.portal.client import ApiError
from gateway.portal.i18n import N_
from gateway.portal.nav import DESK, NavItem
from gateway.portal.routes.desk import _require_desk
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
CATEGORIES = ("contract", "id_copy", "form", "notice", "artwork", "other")
# the portal's upload form (multipart, through the gateway's larger limit for uploads)
PORTAL_UPLOAD = ("POST", "/documents")
DOWNLOAD_HEADERS = (
    "content-type",
    "content-disposition",
    "x-content-type-options",
    "content-length",
)

nav.add(NavItem("documents", "/documents", N_("Documents"), DESK, 17, "folder"))


def size_text(size: int) -> str:
    """``840 B``, ``12.3 KB``, ``4.1 MB``."""
    if size < 1000:
        return f"{size} B"
    if size < 1000 * 1000:
        return f"{size / 1000:.1f} KB"
    return f"{size / 1000 / 1000:.1f} MB"


def _owner(values: Any) -> dict[str, str]:
    """The unit or party the page is about (one of them, or none: every document)."""
    for key in ("unit_id", "party_id"):
        if values.get(key):
            return {key: str(values[key])}
    return {}


async def _page(
    request: Request, user: PortalUser, form: FormState | None = None, status: int = 200
) -> Response:
    q = request.query_params
    owner = _owner(form.values if form and _owner(form.values) else q)
    category = q.get("category", "") if q.get("category") in CATEGORIES else ""
    show = "archived" if q.get("status") == "archived" else "active"
    unit = party = None
    if "unit_id" in owner:
        unit = await user.api.get(f"{FD}/units/{owner['unit_id']}")
    elif "party_id" in owner:
        party = await user.api.get(f"{FD}/parties/{owner['party_id']}")
    docs, units, parties, props = await asyncio.gather(
        user.api.get(f"{FD}/documents", **owner, category=category, status=show, limit=100),
        user.api.get(f"{FD}/units", limit=200),
        user.api.get(f"{FD}/parties", limit=200),
        lookups.properties(user.api),
    )
    for d in docs["items"]:
        d["size_text"] = size_text(d["size"])
    ctx = {
        "docs": docs,
        "owner": owner,
        "unit": unit,
        "party": party,
        "units": units["items"],
        "parties": parties["items"],
        "props": props,
        "category": category,
        "show": show,
        "categories": CATEGORIES,
        "query": lambda **kw: urlencode({**owner, "category": category, **kw}),
        "form": form or FormState(values={"category": "contract"}),
    }
    return render(request, "desk/documents.html", ctx, status=status, nav_key="documents")


@router.get("/documents")
async def documents(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_desk(user)
    return await _page(request, user)


@router.post("/documents")
async def upload(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require_desk(user, write=True)
    form = await request.form()
    file = form.get("file")
    values = {k: str(v) for k, v in form.items() if k not in ("csrf_token", "file")}
    data = {k: v for k, v in values.items() if k in ("title", "category") and v}
    if values.get("owner"):  # "unit:<id>", "party:<id>" or "property:<id>" from the picker
        kind, _, ident = values["owner"].partition(":")
        if kind in ("unit", "party", "property"):
            values[f"{kind}_id"] = ident
    data.update(_owner(values))
    if not _owner(values) and values.get("property_id"):  # a document of the property itself
        data["property_id"] = values["property_id"]
    files = None
    if isinstance(file, UploadFile) and file.filename:
        files = {
            "file": (file.filename, file.file, file.content_type or "application/octet-stream")
        }
    try:
        await user.api.request("POST", f"{FD}/documents", data=data, files=files)
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        state = FormState.from_error(
            exc, values, formatter(request), fields=("file", "unit_id", "property_id")
        )
        for field in ("unit_id", "property_id"):
            if field in state.errors and "owner" in values:
                state.errors["owner"] = state.errors.pop(field)
        return await _page(request, user, state, status=422)
    return redirect(request, "/documents?" + urlencode(_owner(values)))


@router.post("/documents/{document_id}/archive")
async def archive(
    request: Request, document_id: str, user: PortalUser = Depends(form_user)
) -> Response:
    _require_desk(user, write=True)
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    try:
        await user.api.post(f"{FD}/documents/{document_id}/archive", {})
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        state = FormState.from_error(exc, {}, formatter(request))
        return await _page(request, user, FormState(values=values, message=state.message), 422)
    return redirect(request, "/documents?" + urlencode(_owner(values)))


@router.get("/documents/{document_id}/download")
async def download(
    request: Request, document_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    _require_desk(user)
    return await file_from(user, f"{FD}/documents/{document_id}/content")


async def file_from(user: PortalUser, path: str) -> Response:
    """A stored file from the API with the user's rights, passed on with its type, download
    name and the archive's safety headers."""
    r = await user.api.request("GET", path)
    headers = {k: v for k, v in r.headers.items() if k.lower() in DOWNLOAD_HEADERS}
    return Response(r.content, headers=headers)
