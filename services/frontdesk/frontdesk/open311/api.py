"""Open311 GeoReport v2 over HTTP.

``router`` is public (no bearer token) under ``/open311/v2/``: mounted on the app directly, not
under ``/v1``; only ``POST requests`` needs an app's ``api_key``. Every error on it is the
Open311 error list in the requested format (``Open311Route``), never problem+json.
``admin_router`` (under ``/v1``, admins only) issues, lists and revokes the apps' API keys.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import structlog
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException as StarletteHTTPException

from frontdesk.open311 import service, views
from frontdesk.open311.catalog import SERVICES
from frontdesk.open311.catalog import service as catalog_service
from frontdesk.open311.documents import (
    FORMATS,
    Open311Error,
    error_response,
    format_of,
    open311_code,
    render,
)
from frontdesk.open311.progress import progress_of
from frontdesk.open311.schemas import ApiKeyCreated, ApiKeyIn, ApiKeyOut, Open311Errors
from frontdesk.open311.submission import parse_submission, split_form
from frontdesk.settings import FrontdeskSettings
from propops.auth import Principal, current_principal, require_role
from propops.context import get_session
from propops.errors import PROBLEM_JSON, DomainError, forwarded_prefix, problem_response
from propops.lists import ListQuery
from propops.pagination import Page, paginate

log = structlog.get_logger("frontdesk.open311")
PREFIX = "/open311/v2"

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def _validation_message(exc: RequestValidationError) -> str:
    first = next(iter(exc.errors()), {})
    where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "path", "body"))
    return f"{where}: {first.get('msg', 'invalid')}" if where else "invalid request"


def open311_error(request: Request, exc: Exception) -> Response:
    fmt = format_of(request.url.path, request.path_params)
    if isinstance(exc, Open311Error):
        return error_response(fmt, exc.code, exc.description)
    if isinstance(exc, RequestValidationError):
        return error_response(fmt, 400, _validation_message(exc))
    if isinstance(exc, DomainError):
        return error_response(fmt, open311_code(exc.status), exc.detail)
    if isinstance(exc, StarletteHTTPException):
        return error_response(fmt, open311_code(exc.status_code), str(exc.detail))
    log.exception("open311_unhandled_error", path=request.url.path)
    return error_response(fmt, 500, "internal error")


class Open311Route(APIRoute):
    """Answers every error of its route as the Open311 error list."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:  # noqa: BLE001 - every error becomes an Open311 list
                return open311_error(request, exc)

        return route


def _open311_error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "model": Open311Errors,  # as application/json
        "content": {"text/xml": {"schema": {"type": "string"}}},
    }


# What the Open311 routes answer besides their JSON document: the same in XML, and the errors
# as the Open311 error list (JSON or XML); a path no route knows is the app's problem+json 404.
OPEN311_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/xml": {"schema": {"type": "string"}}}},
    400: _open311_error("Invalid request, or a format other than json or xml"),
    403: _open311_error("Missing or wrong api_key"),
    404: {
        **_open311_error("No such service, request or jurisdiction"),
        "content": {
            **_open311_error("")["content"],
            PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}},
        },
    },
    413: problem_response("Request body larger than the limit"),
}

router = APIRouter(
    prefix=PREFIX, tags=["open311"], route_class=Open311Route, responses=OPEN311_RESPONSES
)
Jurisdiction = Query(None, description="the property code (required, except for discovery)")


def settings_of(request: Request) -> FrontdeskSettings:
    return request.app.state.settings


def checked_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Open311Error(400, f"format must be xml or json, not {fmt!r}")
    return fmt


def endpoint_url(request: Request) -> str:
    """This endpoint's URL as the caller sees it (behind a proxy that says where it is)."""
    forwarded_host = request.headers.get("x-forwarded-host")
    scheme = request.headers.get("x-forwarded-proto") or request.url.scheme
    if forwarded_host:
        prefix = forwarded_prefix(request)
        return f"{scheme}://{forwarded_host}{prefix}{PREFIX}"
    return f"{scheme}://{request.url.netloc}{PREFIX}"


@router.get("/discovery.{fmt}", summary="Service discovery")
async def discovery(
    fmt: str,
    request: Request,
    jurisdiction_id: str | None = Query(None, description="optional; checked when given"),
    session: AsyncSession = Depends(get_session),
) -> Response:
    fmt = checked_format(fmt)
    if jurisdiction_id:
        await service.jurisdiction(session, jurisdiction_id)
    return render(fmt, "discovery", views.discovery(endpoint_url(request)))


@router.get("/services.{fmt}", summary="Service list")
async def services(
    fmt: str,
    jurisdiction_id: str | None = Jurisdiction,
    session: AsyncSession = Depends(get_session),
) -> Response:
    fmt = checked_format(fmt)
    await service.jurisdiction(session, jurisdiction_id)
    return render(fmt, "services", [views.service_view(s) for s in SERVICES])


@router.get("/services/{service_code}.{fmt}", summary="Service definition")
async def service_definition(
    service_code: str,
    fmt: str,
    jurisdiction_id: str | None = Jurisdiction,
    session: AsyncSession = Depends(get_session),
) -> Response:
    fmt = checked_format(fmt)
    await service.jurisdiction(session, jurisdiction_id)
    found = catalog_service(service_code)
    if found is None:
        raise Open311Error(404, f"unknown service_code {service_code!r}")
    return render(fmt, "service_definition", views.definition_view(found))


async def form_items(request: Request) -> list[tuple[str, str]]:
    """The form's fields, then the query string's (``api_key`` may come either way)."""
    form = await request.form()
    items = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    return items + list(request.query_params.multi_items())


@router.post(
    "/requests.{fmt}",
    summary="Create a service request (form-urlencoded; api_key required)",
    description="Records a complaint (channel app) for the desk to classify. A retry with the "
    "same device_id, service, description and attributes within 10 minutes answers the request "
    "already filed (header Idempotent-Replayed: true).",
)
async def create_request(
    fmt: str, request: Request, session: AsyncSession = Depends(get_session)
) -> Response:
    fmt = checked_format(fmt)
    items = await form_items(request)
    fields, _ = split_form(items)
    key = await service.authenticate(session, fields.get("api_key"))
    prop = await service.jurisdiction(session, fields.get("jurisdiction_id"))
    found, submission = parse_submission(items)
    filed = await service.file_request(session, settings_of(request), prop, key, found, submission)
    body = [views.created_view(filed.complaint, filed.row)]
    await session.commit()
    response = render(fmt, "service_requests", body)
    if filed.repeated:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@router.get("/requests.{fmt}", summary="Service requests")
async def list_requests(
    fmt: str,
    jurisdiction_id: str | None = Jurisdiction,
    service_request_id: str | None = Query(None, description="comma list; overrides the rest"),
    service_code: str | None = Query(None, description="comma list"),
    start_date: str | None = Query(None, description="ISO 8601, e.g. 2010-01-01T00:00:00Z"),
    end_date: str | None = Query(None, description="at most 90 days after start_date"),
    status: str | None = Query(None, description="open, closed (comma list)"),
    session: AsyncSession = Depends(get_session),
) -> Response:
    fmt = checked_format(fmt)
    prop = await service.jurisdiction(session, jurisdiction_id)
    wanted = service.request_filter(service_request_id, service_code, start_date, end_date, status)
    rows = await service.find_requests(session, prop, wanted)
    notes = await service.status_notes(session, [complaint.id for complaint, _ in rows])
    body = [views.request_view(c, row, notes.get(c.id)) for c, row in rows]
    return render(fmt, "service_requests", body)


@router.get("/requests/{service_request_id}.{fmt}", summary="One service request (a list)")
async def get_request(
    service_request_id: str,
    fmt: str,
    jurisdiction_id: str | None = Jurisdiction,
    session: AsyncSession = Depends(get_session),
) -> Response:
    fmt = checked_format(fmt)
    prop = await service.jurisdiction(session, jurisdiction_id)
    complaint, row = await service.find_request(session, prop, service_request_id)
    notes = await service.status_notes(session, [complaint.id])
    return render(
        fmt, "service_requests", [views.request_view(complaint, row, notes.get(complaint.id))]
    )


@router.get(
    "/servicerequestupdates.{fmt}",
    summary="Updates of service requests (mySociety's extension)",
)
async def request_updates(
    fmt: str,
    jurisdiction_id: str | None = Jurisdiction,
    start_date: str | None = Query(None, description="ISO 8601; default: 90 days ago"),
    end_date: str | None = Query(None, description="ISO 8601; at most 90 days after start"),
    session: AsyncSession = Depends(get_session),
) -> Response:
    fmt = checked_format(fmt)
    prop = await service.jurisdiction(session, jurisdiction_id)
    steps = await service.find_updates(session, prop, service.window(start_date, end_date))
    body = [
        views.update_view(step, progress)
        for step in steps
        if (progress := progress_of(step)) is not None
    ]
    return render(fmt, "service_request_updates", body)


@router.get("/tokens/{token}.{fmt}", summary="Tokens (none: every service is realtime)")
async def token(token: str, fmt: str) -> Response:
    checked_format(fmt)
    raise Open311Error(404, "every service is realtime: requests get an id at once, no tokens")


@router.api_route(
    "/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False
)
async def unknown(rest: str, request: Request) -> Response:
    path = request.scope["path"]
    allowed = sorted(
        {
            method
            for route in router.routes
            if isinstance(route, APIRoute)
            and route.endpoint is not unknown
            and route.path_regex.match(path)
            for method in route.methods
        }
    )
    if allowed:
        fmt = format_of(path, {})
        response = error_response(fmt, 405, f"{request.method} is not allowed here")
        response.headers["Allow"] = ", ".join(allowed)
        return response
    raise Open311Error(404, f"no Open311 resource {rest!r}")


# --- API keys (admins, under /v1) ----------------------------------------------------------------

admin_router = APIRouter(tags=["open311"], dependencies=[Depends(require_role("admin"))])


@admin_router.post("/open311/api-keys", status_code=201, response_model=ApiKeyCreated)
async def issue_api_key(
    data: ApiKeyIn,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ApiKeyCreated:
    """Issue a key for a residents' app. The key is in this answer only (stored as a hash), so
    this POST does not store its answer for Idempotency-Key replays."""
    row, api_key = await service.issue_key(session, data.name, principal.username)
    result = ApiKeyCreated(id=row.id, name=row.name, api_key=api_key, created_at=row.created_at)
    await session.commit()
    return result


@admin_router.get("/open311/api-keys", response_model=Page[ApiKeyOut])
async def list_api_keys(
    query: ListQuery = Depends(service.KEYS.dependency),
    session: AsyncSession = Depends(get_session),
) -> Page[ApiKeyOut]:
    return await paginate(session, service.list_keys(query), query.page, ApiKeyOut.model_validate)


@admin_router.post("/open311/api-keys/{key_id}/revoke", response_model=ApiKeyOut)
async def revoke_api_key(
    key_id: str,
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(get_session),
) -> ApiKeyOut:
    row = await service.revoke_key(session, key_id, principal.username)
    result = ApiKeyOut.model_validate(row)
    await session.commit()
    return result
