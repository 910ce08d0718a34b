"""Acting on a record with a life cycle from a form: the action posted with the version the
page showed (``If-Match``), the API's refusal handed back for the form to show."""

from __future__ import annotations

from typing import Any

from gateway.portal.client import Api, ApiError


async def post_action(api: Api, path: str, body: Any, version: str | None) -> ApiError | None:
    """POST ``body`` to ``path`` with ``If-Match`` = ``version``; None when it went through,
    the API's refusal (4xx but 403/404, which become their pages) otherwise."""
    headers = {"if-match": f'"{version}"'} if version else None
    try:
        await api.request("POST", path, json=body, headers=headers)
    except ApiError as exc:
        if exc.status in (403, 404):
            raise
        return exc
    return None


def form_values(form: Any) -> dict[str, str]:
    return {k: str(v).strip() for k, v in form.items() if k not in ("csrf_token", "version")}
