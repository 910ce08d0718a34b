"""Open311 documents on the wire: JSON or XML, the error list, and the error mapping.

Bodies are built as plain dicts and lists first (one shape for both formats); XML is written
with ``xml.etree.ElementTree``: no namespace, the roots the spec names, list items named after
their container (``attributes`` -> ``attribute``), booleans ``true``/``false``, ``None`` as an
empty element.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import Response

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
FORMATS = ("json", "xml")
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'

# the element name of one item of each list, by the list's name
ITEM_NAMES: dict[str, str] = {
    "services": "service",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


class Open311Error(Exception):
    """An error answered as the Open311 error list (400, 403 or 404)."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def text_of(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
        item_name = ITEM_NAMES.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, item_name), child)
    else:
        element.text = text_of(value)


def xml_bytes(root: str, body: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, body)
    return XML_DECLARATION + ET.tostring(element, encoding="utf-8", xml_declaration=False)


def render(fmt: str, root: str, body: Any, status_code: int = 200) -> Response:
    """``root`` names the XML root (``services``, ``service_definition``, ...); JSON is the body
    as is (a list for lists, an object for the discovery and a service definition)."""
    if fmt == "xml":
        return Response(xml_bytes(root, body), status_code=status_code, media_type=XML_TYPE)
    content = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return Response(content, status_code=status_code, media_type=JSON_TYPE)


def error_response(fmt: str, code: int, description: str) -> Response:
    body = [{"code": code, "description": description}]
    return render(fmt if fmt in FORMATS else "json", "errors", body, status_code=code)


def open311_code(status: int) -> int:
    """HTTP status of a domain error -> one of the codes Open311 knows."""
    if status in (401, 403):
        return 403
    if status == 404:
        return 404
    return 400 if status < 500 else 500


def format_of(path: str, path_params: Mapping[str, Any]) -> str:
    """The requested format: the ``fmt`` path parameter, else the path's extension."""
    fmt = path_params.get("fmt")
    if not isinstance(fmt, str):
        last = path.rstrip("/").rsplit("/", 1)[-1]
        fmt = last.rsplit(".", 1)[-1] if "." in last else ""
    return fmt.lower() if fmt.lower() in FORMATS else "json"
