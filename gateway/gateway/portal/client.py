"""The portal's only way to data: the gateway's own ``/api/...`` called in-process (httpx over
ASGI, no network hop to itself) with the signed-in user's bearer token. Never a database."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from fastapi import FastAPI


class ApiError(Exception):
    """A problem+json answer from the API (status >= 400)."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        super().__init__(problem.get("detail") or problem.get("title") or str(status))
        self.status = status
        self.problem = problem

    @property
    def detail(self) -> str:
        return str(self.problem.get("detail") or self.problem.get("title") or self.status)

    def field_errors(self) -> dict[str, str]:
        """``errors[].field`` -> message (the first per field); a bare ``field`` too."""
        out: dict[str, str] = {}
        for e in self.problem.get("errors") or []:
            if isinstance(e, dict) and e.get("field"):
                out.setdefault(str(e["field"]), str(e.get("message") or self.detail))
        if self.problem.get("field") and str(self.problem["field"]) not in out:
            out[str(self.problem["field"])] = self.detail
        return out


class SignInRequired(Exception):
    """No session, an expired token, or the API answered 401 (e.g. the user was deactivated)."""


class Forbidden(ApiError):
    pass


class NotFoundError(ApiError):
    pass


def _client(app: FastAPI) -> httpx.AsyncClient:
    client = getattr(app.state, "portal_api", None)
    if client is None:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://portal.internal",
            timeout=app.state.settings.proxy_timeout + 5,
        )
        app.state.portal_api = client
    return client


class Api:
    """One user's API: ``await api.get("/api/frontdesk/v1/complaints", params=...)``."""

    def __init__(self, app: FastAPI, token: str | None) -> None:
        self._app = app
        self._token = token

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"accept": "application/json"}
        if self._token:
            headers["authorization"] = f"Bearer {self._token}"
        headers.update(extra or {})
        return headers

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        data: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """``files``: a multipart upload (httpx's ``files=``, with ``data`` as its fields)."""
        clean = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        r = await _client(self._app).request(
            method,
            path,
            params=clean,
            json=json,
            data=data,
            files=files,
            headers=self._headers(headers),
        )
        if r.status_code < 400:
            return r
        try:
            problem = r.json()
            if not isinstance(problem, dict):
                problem = {"detail": str(problem)}
        except ValueError:
            problem = {"detail": r.text[:300] or r.reason_phrase}
        if r.status_code == 401:
            raise SignInRequired(problem.get("detail"))
        if r.status_code == 403:
            raise Forbidden(403, problem)
        if r.status_code == 404:
            raise NotFoundError(404, problem)
        raise ApiError(r.status_code, problem)

    async def get(self, path: str, **params: Any) -> Any:
        return (await self.request("GET", path, params=params)).json()

    async def post(
        self, path: str, json: Any = None, *, idempotency_key: str | None = None, **kw: Any
    ) -> Any:
        headers = {"idempotency-key": idempotency_key} if idempotency_key else None
        r = await self.request("POST", path, json=json, headers=headers, **kw)
        return r.json() if r.content else None

    async def patch(self, path: str, json: Any, *, version: int | None = None) -> Any:
        headers = {"if-match": f'"{version}"'} if version is not None else None
        return (await self.request("PATCH", path, json=json, headers=headers)).json()

    async def get_or_none(self, path: str, **params: Any) -> Any:
        """The document, or None when the API has none (404) or the user may not see it."""
        try:
            return await self.get(path, **params)
        except (NotFoundError, Forbidden):
            return None


def new_idempotency_key() -> str:
    return str(uuid.uuid4())
