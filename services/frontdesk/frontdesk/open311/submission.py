"""Reading a ``POST requests`` form: empty fields count as absent, ``attribute[CODE]`` (and
``attribute[CODE][]`` for multi-value lists) checked against the service's definition, a
location required (``lat`` + ``long``, ``address_string`` or ``address_id``). Every problem is
an Open311 400 (404 for an unknown service code)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from frontdesk.open311.catalog import Attribute, ServiceType
from frontdesk.open311.catalog import service as catalog_service
from frontdesk.open311.documents import Open311Error
from frontdesk.open311.schemas import Submission

ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")
MAX_DESCRIPTION = 4000
MAX_ATTRIBUTE_TEXT = 500
LIMITS: dict[str, int] = {
    "address_string": 300,
    "address_id": 36,
    "media_url": 1000,
    "device_id": 200,
    "account_id": 200,
    "email": 254,
    "first_name": 100,
    "last_name": 100,
    "phone": 40,
}


def bad(description: str) -> Open311Error:
    return Open311Error(400, description)


def split_form(items: Iterable[tuple[str, str]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """(plain fields, attribute answers); blank values dropped, the first plain value kept."""
    fields: dict[str, str] = {}
    attributes: dict[str, list[str]] = {}
    for key, raw in items:
        value = raw.strip()
        if not value:
            continue
        match = ATTRIBUTE_KEY.match(key)
        if match:
            attributes.setdefault(match.group(1), []).append(value)
        else:
            fields.setdefault(key, value)
    return fields, attributes


def parse_datetime(value: str, name: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise bad(f"{name} must be an ISO 8601 date-time, e.g. 2010-01-01T00:00:00Z") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _decimal(value: str, name: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise bad(f"{name} must be a number") from None
    if not number.is_finite():
        raise bad(f"{name} must be a number")
    return number


def _one_answer(attribute: Attribute, values: list[str]) -> Any:
    name = f"attribute[{attribute.code}]"
    value = values[0]
    if attribute.datatype == "number":
        return str(_decimal(value, name))
    if attribute.datatype == "datetime":
        return parse_datetime(value, name).isoformat()
    if attribute.datatype == "singlevaluelist":
        if value not in {v.key for v in attribute.values}:
            keys = ", ".join(v.key for v in attribute.values)
            raise bad(f"{name} must be one of: {keys}")
        return value
    if len(value) > MAX_ATTRIBUTE_TEXT:
        raise bad(f"{name} is longer than {MAX_ATTRIBUTE_TEXT} characters")
    return value


def _answer(attribute: Attribute, values: list[str]) -> Any:
    if attribute.datatype != "multivaluelist":
        return _one_answer(attribute, values)
    keys = {v.key for v in attribute.values}
    unknown = [v for v in values if v not in keys]
    if unknown:
        raise bad(f"attribute[{attribute.code}] has unknown value(s): {', '.join(unknown)}")
    return list(dict.fromkeys(values))


def check_attributes(service: ServiceType, answers: dict[str, list[str]]) -> dict[str, Any]:
    """The answers to the service's variable attributes; others are ignored."""
    checked: dict[str, Any] = {}
    for attribute in service.attributes:
        if not attribute.variable:
            continue
        values = answers.get(attribute.code, [])
        if not values:
            if attribute.required:
                raise bad(f"attribute[{attribute.code}] is required: {attribute.description}")
            continue
        checked[attribute.code] = _answer(attribute, values)
    return checked


def _coordinates(fields: dict[str, str]) -> tuple[Decimal | None, Decimal | None]:
    lat, long = fields.get("lat"), fields.get("long")
    if lat is None and long is None:
        return None, None
    if lat is None or long is None:
        raise bad("lat and long must be given together")
    lat_d, long_d = _decimal(lat, "lat"), _decimal(long, "long")
    if not (-90 <= lat_d <= 90 and -180 <= long_d <= 180):
        raise bad("lat must be within -90..90 and long within -180..180 (WGS84)")
    return lat_d, long_d


def _check_lengths(fields: dict[str, str]) -> None:
    for name, limit in LIMITS.items():
        if len(fields.get(name, "")) > limit:
            raise bad(f"{name} is longer than {limit} characters")
    if len(fields.get("description", "")) > MAX_DESCRIPTION:
        raise bad(f"description is longer than {MAX_DESCRIPTION} characters")
    media_url = fields.get("media_url")
    if media_url is not None and not media_url.lower().startswith(("http://", "https://")):
        raise bad("media_url must be an http(s) URL")


def service_of(fields: dict[str, str]) -> ServiceType:
    code = fields.get("service_code")
    if code is None:
        raise bad("service_code is required")
    found = catalog_service(code)
    if found is None:
        raise Open311Error(404, f"unknown service_code {code!r}")
    return found


def parse_submission(items: Iterable[tuple[str, str]]) -> tuple[ServiceType, Submission]:
    fields, answers = split_form(items)
    service = service_of(fields)
    attributes = check_attributes(service, answers)
    lat, long = _coordinates(fields)
    _check_lengths(fields)
    if lat is None and "address_string" not in fields and "address_id" not in fields:
        raise bad("a location is required: lat and long, address_string or address_id")
    return service, Submission(
        service_code=service.code,
        description=fields.get("description"),
        attributes=attributes,
        lat=lat,
        long=long,
        **{name: fields.get(name) for name in LIMITS},
    )
