"""Optimistic concurrency: the version a client last read, sent as ``If-Match`` (or ``version``
in the body); a change to a record that moved on meanwhile answers 409."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header

from propops.errors import Invalid

IfMatch = Annotated[
    str | None, Header(alias="If-Match", description="the version (ETag) last read; optional")
]


def etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(value: str | None) -> int | None:
    """``"3"``, ``W/"3"`` or ``3`` -> 3; absent or ``*`` -> no check."""
    if value is None or value.strip() == "*":
        return None
    tag = value.strip().removeprefix("W/").strip('"')
    if not tag.isdigit():
        raise Invalid('If-Match must name a version (the ETag), e.g. "3"', field="If-Match")
    return int(tag)


def expected_version(body_version: int | None, if_match: str | None) -> int | None:
    """The version the client expects, from the header or the body (which must agree)."""
    from_header = parse_if_match(if_match)
    if from_header is not None and body_version is not None and from_header != body_version:
        raise Invalid("If-Match and version name different versions", field="version")
    return body_version if body_version is not None else from_header
