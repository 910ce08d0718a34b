"""The OpenAPI document and the interactive docs of every PropOps app, working offline.

``/openapi.json``, ``/docs`` (Swagger UI) and ``/redoc`` are served by the app itself, their
JavaScript and CSS from the installed ``fastapi-offline`` package under ``/docs-assets/`` (never a
CDN). Reached through the gateway (``/api/<service>/docs``), every URL in the page and the
document's ``servers`` carry the ``/api/<service>`` prefix, so the page loads the service's spec
and "Try it out" calls the service through the gateway.

The document tells how errors answer: every 422 (and the codes a route declares with
:data:`propops.errors.PROBLEM_RESPONSES`) is ``application/problem+json`` with the
``ProblemDetails`` schema.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from propops.errors import ProblemDetails, forwarded_prefix, problem_response

ASSETS = "/docs-assets"
# Swagger UI, ReDoc and the favicon, as shipped by the fastapi-offline package (MIT; Swagger UI
# under Apache 2.0, ReDoc under MIT).
ASSETS_DIR = str(files("fastapi_offline") / "static")
# The paths of an app's docs, answered without a token (the gateway lets them through too).
DOC_PATHS = ("docs", "redoc", "openapi.json")


def install_docs(app: FastAPI) -> None:
    """Serve the app's OpenAPI document and its docs pages, with local assets. The app must be
    made with ``docs_url=None, redoc_url=None, openapi_url=None``."""
    app.openapi = _openapi_with_problems(app)  # type: ignore[method-assign]
    app.mount(ASSETS, StaticFiles(directory=ASSETS_DIR), name="docs-assets")
    app.include_router(_docs_router(app))


def _docs_router(app: FastAPI) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/openapi.json")
    async def openapi(request: Request) -> JSONResponse:
        document = dict(app.openapi())
        prefix = forwarded_prefix(request)
        if prefix:
            document["servers"] = [{"url": prefix}]
        return JSONResponse(document)

    @router.get("/docs")
    async def swagger(request: Request) -> HTMLResponse:
        prefix = forwarded_prefix(request)
        return get_swagger_ui_html(
            openapi_url=f"{prefix}/openapi.json",
            title=f"{app.title} - API",
            swagger_js_url=f"{prefix}{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{prefix}{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{prefix}{ASSETS}/favicon.png",
        )

    @router.get("/redoc")
    async def redoc(request: Request) -> HTMLResponse:
        prefix = forwarded_prefix(request)
        return get_redoc_html(
            openapi_url=f"{prefix}/openapi.json",
            title=f"{app.title} - API",
            redoc_js_url=f"{prefix}{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{prefix}{ASSETS}/favicon.png",
            with_google_fonts=False,
        )

    return router


def _openapi_with_problems(app: FastAPI) -> Any:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        problem_schema = ProblemDetails.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        schemas.update(problem_schema.pop("$defs", {}))
        schemas["ProblemDetails"] = problem_schema
        for path_item in document.get("paths", {}).values():
            for operation in path_item.values():
                responses = operation.get("responses", {})
                if "422" in responses:
                    responses["422"] = problem_response(
                        "Invalid input; `field` and `errors` name what is wrong"
                    )
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        app.openapi_schema = document
        return document

    return openapi
