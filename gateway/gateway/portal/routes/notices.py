"""The front desk's notices (發布通知): drafts (edited until published), publish, withdraw, and
each notice as a printable A4 page for the lobby notice board (both languages, the property's
name and dates, in the property's time zone)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gateway.portal import lookups
from gateway.portal.client import ApiError, Forbidden, new_idempotency_key
from gateway.portal.i18n import N_, Formatter
from gateway.portal.labels import label
from gateway.portal.routes.desk import _params_fn, _require_desk
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
STATUSES = ("draft", "published", "withdrawn")
ACTIONS = ("publish", "withdraw")
TEXT_FIELDS = ("title_zh_hant", "title_en", "body_zh_hant", "body_en")


async def _list_context(request: Request, user: PortalUser) -> dict[str, Any]:
    q = request.query_params
    status = q.get("status", "") if q.get("status") in STATUSES else ""
    offset = int(q.get("offset", "0")) if q.get("offset", "0").isdigit() else 0
    page, props = await asyncio.gather(
        user.api.get(f"{FD}/notices", status=status, limit=25, offset=offset),
        lookups.properties(user.api),
    )
    return {
        "page": page,
        "props": props,
        "status": status,
        "statuses": STATUSES,
        "params": _params_fn({"status": status}),
    }


@router.get("/notices")
async def notices(request: Request, user: PortalUser = Depends(page_user)) -> Response:
    _require_desk(user)
    ctx = await _list_context(request, user)
    ctx.update(
        form=FormState(values={"property_id": next(iter(ctx["props"]), "")}),
        idem=new_idempotency_key(),
    )
    return render(request, "desk/notices.html", ctx, nav_key="notices")


def notice_body(values: dict[str, str]) -> dict[str, Any]:
    """The notice form (drafting, or editing a draft) as the API's body."""
    buildings = [b.strip() for b in values.get("buildings", "").split(",") if b.strip()]
    return {
        "property_id": values.get("property_id", ""),
        "buildings": buildings,
        "category": values.get("category", ""),
        "title": {"zh_hant": values.get("title_zh_hant", ""), "en": values.get("title_en", "")},
        "body": {"zh_hant": values.get("body_zh_hant", ""), "en": values.get("body_en", "")},
        # datetime-local values carry no offset: the API reads them in the property's zone
        "publish_from": values.get("publish_from", "").strip(),
        "publish_until": values.get("publish_until", "").strip(),
    }


def form_values(notice: dict[str, Any], fm: Formatter) -> dict[str, str]:
    """A notice as its form shows it: times in the property's time zone (``fm``)."""

    def local(value: str) -> str:
        at = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(fm.tz)
        return at.strftime("%Y-%m-%dT%H:%M")

    return {
        "property_id": notice["property_id"],
        "category": notice["category"],
        "buildings": ", ".join(notice["buildings"]),
        "title_zh_hant": notice["title"]["zh_hant"],
        "title_en": notice["title"]["en"],
        "body_zh_hant": notice["body"]["zh_hant"],
        "body_en": notice["body"]["en"],
        "publish_from": local(notice["publish_from"]),
        "publish_until": local(notice["publish_until"]),
    }


def refused_form(exc: ApiError, values: dict[str, str], fm: Formatter) -> FormState:
    """The API names title.en, body.zh_hant...: the form's fields are title_en, body_zh_hant."""
    state = FormState.from_error(exc, values, fm)
    for name in list(state.errors):
        if name.replace(".", "_") in TEXT_FIELDS:
            state.errors[name.replace(".", "_")] = state.errors.pop(name)
    return state


@router.post("/notices")
async def draft(request: Request, user: PortalUser = Depends(form_user)) -> Response:
    _require_desk(user, write=True)
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    try:
        created = await user.api.post(
            f"{FD}/notices", notice_body(values), idempotency_key=values.get("idempotency_key")
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        state = refused_form(exc, values, formatter(request))
        ctx = await _list_context(request, user)
        ctx.update(form=state, idem=values.get("idempotency_key") or new_idempotency_key())
        return render(request, "desk/notices.html", ctx, status=422, nav_key="notices")
    return redirect(request, f"/notices/{created['id']}")


async def _notice_context(
    request: Request, user: PortalUser, notice_id: str
) -> tuple[dict[str, Any], Formatter]:
    notice, props = await asyncio.gather(
        user.api.get(f"{FD}/notices/{notice_id}"), lookups.properties(user.api)
    )
    prop = props.get(notice["property_id"], {})
    # the notice's dates as the property reads them
    fm = formatter(request).zone(prop.get("time_zone"))
    edit_form = FormState(values=form_values(notice, fm))
    return {"notice": notice, "prop": prop, "props": props, "edit_form": edit_form}, fm


@router.get("/notices/{notice_id}")
async def notice_page(
    request: Request, notice_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    _require_desk(user)
    ctx, fm = await _notice_context(request, user, notice_id)
    ctx.update(form=FormState(), fm=fm)
    return render(request, "desk/notice.html", ctx, nav_key="notices")


@router.post("/notices/{notice_id}/edit")
async def edit(request: Request, notice_id: str, user: PortalUser = Depends(form_user)) -> Response:
    """A draft changed (the API refuses once it is published or withdrawn)."""
    _require_desk(user, write=True)
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k not in ("csrf_token", "version")}
    version = str(form.get("version") or "")
    try:
        await user.api.patch(
            f"{FD}/notices/{notice_id}",
            notice_body(values),
            version=int(version) if version.isdigit() else None,
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        ctx, fm = await _notice_context(request, user, notice_id)
        state = refused_form(exc, values, formatter(request))
        ctx.update(form=FormState(), edit_form=state, editing=True, fm=fm)
        if ctx["notice"]["status"] != "draft":  # no form to edit any more: said at the top
            ctx["form"] = state
        return render(request, "desk/notice.html", ctx, status=exc.status, nav_key="notices")
    return redirect(request, f"/notices/{notice_id}")


@router.post("/notices/{notice_id}/{action}")
async def notice_action(
    request: Request, notice_id: str, action: str, user: PortalUser = Depends(form_user)
) -> Response:
    _require_desk(user, write=True)
    if action not in ACTIONS:
        raise Forbidden(403, {"detail": "no such action"})
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k not in ("csrf_token", "version")}
    version = str(form.get("version") or "")
    headers = {"if-match": f'"{version}"'} if version.isdigit() else None
    body = {"reason": values.get("reason", "").strip() or None} if action == "withdraw" else None
    try:
        await user.api.request(
            "POST", f"{FD}/notices/{notice_id}/{action}", json=body, headers=headers
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        ctx, fm = await _notice_context(request, user, notice_id)
        ctx.update(form=FormState.from_error(exc, values, formatter(request)), fm=fm)
        return render(request, "desk/notice.html", ctx, status=exc.status, nav_key="notices")
    return redirect(request, f"/notices/{notice_id}")


@router.get("/notices/{notice_id}/print")
async def print_notice(
    request: Request, notice_id: str, user: PortalUser = Depends(page_user)
) -> Response:
    """The notice on one A4 page for the lobby board: both languages whatever the user's."""
    _require_desk(user)
    ctx, fm = await _notice_context(request, user, notice_id)
    ctx.update(fm=fm, sides=[_side(ctx, language, fm.tz.key) for language in PRINTED_IN])
    return render(request, "desk/notice_print.html", ctx, nav_key="notices")


PRINTED_IN = ("zh-Hant", "en")
PRINT_WORDS = {
    "heading": N_("Notice"),
    "period": N_("From %(start)s to %(end)s"),
    "buildings": N_("Buildings: %(buildings)s"),
    "everyone": N_("All residents"),
    "issued": N_("Management office, %(day)s"),
}


def _side(ctx: dict[str, Any], language: str, time_zone: str) -> dict[str, str]:
    """The notice's words in one language, for the printed page that carries both."""
    fm = Formatter(language, time_zone)
    notice = ctx["notice"]
    key = "zh_hant" if language == "zh-Hant" else "en"
    words = {k: fm.gettext(v) for k, v in PRINT_WORDS.items()}
    buildings = ", ".join(notice["buildings"])
    return {
        "lang": language,
        "heading": words["heading"],
        "category": label(fm.gettext, "notice_category", notice["category"]),
        "title": notice["title"][key],
        "body": notice["body"][key],
        "period": words["period"]
        % {
            "start": fm.datetime(notice["publish_from"]),
            "end": fm.datetime(notice["publish_until"]),
        },
        "audience": words["buildings"] % {"buildings": buildings}
        if buildings
        else words["everyone"],
        "issued": words["issued"] % {"day": fm.date(datetime.now(fm.tz))},
    }
