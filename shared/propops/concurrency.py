"""Optimistic concurrency: the version a client last read (the ``ETag``, ``"<version>"``), sent
back as ``If-Match`` (or ``version`` in the body). A change to a record that moved on meanwhile
answers 412 (``propops.errors.PreconditionFailed``); one that named no version and lost the
race to another writer answers 409 (``propops.errors.ChangedMeanwhile``). The check itself is in
the UPDATE (``propops.lifecycle``)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Header, Response

from propops.errors import Invalid

# What ``parse_if_match`` accepts, as the OpenAPI documents it (the parser answers 422 else).
IF_MATCH_PATTERN = r'^\s*(\*|(W/)?("[0-9]{1,18}"|[0-9]{1,18}))\s*$'

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description='the version (ETag) last read, e.g. "3" (also 3 or W/"3"); * or absent: '
        "no check. A record that changed meanwhile answers 412 (409 without a version).",
        json_schema_extra={"pattern": IF_MATCH_PATTERN},
    ),
]

# ASCII digits only (``str.isdigit`` also accepts "²" or "٣"), at most 18 of them (an int64)
_TAG = re.compile(r'(?:W/)?("?)([0-9]{1,18})\1')


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    """Answer the record's version as its ``ETag`` (GET of one record, actions, PATCH)."""
    response.headers["ETag"] = etag(version)


def parse_if_match(value: str | None) -> int | None:
    """``"3"``, ``W/"3"`` or ``3`` -> 3; absent or ``*`` -> no check; else 422 naming If-Match."""
    if value is None or value.strip() == "*":
        return None
    match = _TAG.fullmatch(value.strip())
    if match is None or int(match.group(2)) < 1:
        raise Invalid(
            'If-Match must name one version (the ETag) in ASCII digits, e.g. "3"',
            field="If-Match",
        )
    return int(match.group(2))


def expected_version(body_version: int | None, if_match: str | None) -> int | None:
    """The version the client expects, from the header or the body (which must agree)."""
    from_header = parse_if_match(if_match)
    if from_header is not None and body_version is not None and from_header != body_version:
        raise Invalid("If-Match and version name different versions", field="version")
    return body_version if body_version is not None else from_header
