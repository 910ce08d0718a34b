"""RFC 9457 problem+json for every error response, and the domain errors rules raise."""

from __future__ import annotations

import re
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger("propops.errors")


class DomainError(Exception):
    """An error a rule raises; routes never catch it, the handler turns it into problem+json."""

    status: int = 400
    title: str = "Bad request"

    def __init__(self, detail: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.extra = extra


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Conflict(DomainError):
    """A state conflict: wrong state for the action, stale version, duplicate key."""

    status = 409
    title = "Conflict"


class WrongState(Conflict):
    """409: the record's state does not allow the action. The same members in every service:
    ``current_state``, ``action`` and ``allowed_from`` (the states the action is allowed from)."""

    title = "Wrong state"

    def __init__(
        self,
        detail: str,
        *,
        current_state: str,
        action: str,
        allowed_from: Iterable[str],
        **extra: Any,
    ) -> None:
        super().__init__(
            detail,
            field="status",
            current_state=current_state,
            action=action,
            allowed_from=list(allowed_from),
            **extra,
        )


class PreconditionFailed(DomainError):
    """412 (RFC 9110): the record is not at the version the client expected (``If-Match`` or
    ``version``), or another writer changed it first. The same members in every service:
    ``current_version`` and ``expected_version`` (``null`` where not known)."""

    status = 412
    title = "Precondition failed"

    def __init__(
        self, detail: str, *, current_version: int | None, expected_version: int | None
    ) -> None:
        super().__init__(
            detail,
            field="If-Match",
            current_version=current_version,
            expected_version=expected_version,
        )


class ChangedMeanwhile(Conflict):
    """409: another writer changed the record between this request's read and its write, and
    the client named no version (no ``If-Match`` or ``version``; with one it is a 412,
    :class:`PreconditionFailed`). The same members: ``current_version`` and
    ``expected_version`` (the version this request read; ``null`` where not known). Reload the
    record and decide again."""

    title = "Changed meanwhile"

    def __init__(
        self, detail: str, *, current_version: int | None, expected_version: int | None
    ) -> None:
        super().__init__(
            detail,
            field="version",
            current_version=current_version,
            expected_version=expected_version,
        )


def lost_race(
    detail: str, *, precondition: bool, current_version: int | None, read_version: int | None
) -> DomainError:
    """The answer to a write that lost the race to another writer: 412 if the client made its
    request conditional on a version (RFC 9110: a precondition that is now false), else 409."""
    cls = PreconditionFailed if precondition else ChangedMeanwhile
    return cls(detail, current_version=current_version, expected_version=read_version)


# Members a client can rely on even when their value is not known (sent as null).
_ALWAYS_SENT = frozenset({"current_version", "expected_version"})


class Invalid(DomainError):
    """Well-formed input that breaks a rule (names the field)."""

    status = 422
    title = "Unprocessable content"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class FieldError(BaseModel):
    field: str
    message: str


class ProblemDetails(BaseModel):
    """The body of every error response (RFC 9457), in every service and the gateway."""

    model_config = ConfigDict(extra="allow", title="ProblemDetails")

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    field: str | None = None
    errors: list[FieldError] | None = None


def problem_response(description: str) -> dict[str, Any]:
    """An OpenAPI response whose body is a :class:`ProblemDetails` as problem+json."""
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}},
    }


# The errors every ``/v1`` route may answer, documented on each of them (``build_service_app``).
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: problem_response("Bad request (e.g. a query parameter the route does not know)"),
    401: problem_response("Missing, invalid or expired bearer token"),
    403: problem_response("The caller's roles or properties do not allow this"),
    404: problem_response("No such record (or not visible to the caller)"),
    409: problem_response(
        "Wrong state for the action, a duplicate, or the record changed meanwhile (no If-Match)"
    ),
    412: problem_response("If-Match names a version the record has moved on from"),
    413: problem_response("Request body larger than the limit"),
    422: problem_response("Invalid input; `field` and `errors` name what is wrong"),
}

# ``X-Forwarded-Prefix`` as the gateway sends it; anything else is ignored.
_FORWARDED_PREFIX = re.compile(r"/api/[a-z][a-z0-9_-]{0,39}")


def forwarded_prefix(request: Request) -> str:
    """The path prefix the gateway routed this request by (``/api/<service>``), or ``""``."""
    app = request.scope.get("app")
    if app is not None and not getattr(app.state, "behind_gateway", True):
        return ""  # the gateway itself: a caller's own header means nothing
    value = request.headers.get("x-forwarded-prefix", "")
    return value if _FORWARDED_PREFIX.fullmatch(value) else ""


def caller_path(request: Request) -> str:
    """The path as the caller wrote it: through the gateway, ``/api/<service>/...``."""
    return forwarded_prefix(request) + request.url.path


def problem(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    type_: str = "about:blank",
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": type_,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update({k: v for k, v in extra.items() if v is not None or k in _ALWAYS_SENT})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _loc_to_field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form")]
    return ".".join(parts) or ".".join(str(p) for p in loc)


def is_data_error(exc: DBAPIError) -> bool:
    """A value the database refuses (SQLSTATE class 22, "data exception")."""
    if isinstance(exc, DataError):
        return True
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return isinstance(code, str) and code.startswith("22")


def install_problem_handlers(app: FastAPI) -> None:
    """Make every error response of ``app`` a problem+json document."""

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        extra = dict(exc.extra)
        if exc.field:
            extra["field"] = exc.field
            extra["errors"] = [{"field": exc.field, "message": exc.detail}]
        return problem(
            exc.status, exc.detail, title=exc.title, instance=caller_path(request), **extra
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": _loc_to_field(e.get("loc", ())), "message": e.get("msg", "invalid")}
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"field": "", "message": "invalid request"}
        detail = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
        return problem(
            422,
            detail,
            title="Invalid request",
            instance=caller_path(request),
            field=first["field"],
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(
            exc.status_code,
            str(exc.detail),
            instance=caller_path(request),
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        log.warning("integrity_error", path=request.url.path, error=str(exc.orig)[:300])
        return problem(
            409,
            "the change conflicts with existing data",
            title="Conflict",
            instance=caller_path(request),
        )

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, exc: StaleDataError) -> JSONResponse:
        # a versioned UPDATE matched no row: another writer changed the record first
        # (``propops.lifecycle.guard`` answers the same with the versions filled in). Here the
        # body is not read: a conditional request is one with an If-Match naming a version.
        if_match = request.headers.get("if-match", "").strip()
        return await _domain(
            request,
            lost_race(
                "the record was changed meanwhile; reload it and try again",
                precondition=bool(if_match) and if_match != "*",
                current_version=None,
                read_version=None,
            ),
        )

    @app.exception_handler(DBAPIError)
    async def _data(request: Request, exc: DBAPIError) -> JSONResponse:
        if not is_data_error(exc):
            return await _unhandled(request, exc)
        # a value the database cannot store (e.g. a NUL character on PostgreSQL)
        log.warning("data_error", path=request.url.path, error=str(exc.orig)[:300])
        return problem(
            422,
            "a value cannot be stored (unsupported character or out of range)",
            title="Invalid request",
            instance=caller_path(request),
        )

    @app.exception_handler(Exception)
    async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled_error", path=request.url.path)
        return problem(500, "internal error", instance=caller_path(request))
