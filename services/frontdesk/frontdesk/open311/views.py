"""The Open311 documents as plain data: discovery, services, service definitions, requests and
request updates, with the spec's field names in the spec's order. Date-times are ISO 8601 in
UTC with ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from frontdesk.complaints.models import FINAL_STATES, Complaint, ComplaintStep
from frontdesk.open311.catalog import CHANGESET, Attribute, ServiceType, department_label
from frontdesk.open311.catalog import service as catalog_service
from frontdesk.open311.models import Open311Request
from frontdesk.open311.progress import Progress

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CONTACT = (
    "The front desk of your management office (前臺). Open311 requests reach the desk at once; "
    "for an emergency, call the management office."
)
KEY_SERVICE = (
    "API keys for residents' apps are issued by the management office's administrator "
    "(POST /v1/open311/api-keys)."
)


def w3(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def discovery(url: str) -> dict[str, Any]:
    return {
        "changeset": CHANGESET,
        "contact": CONTACT,
        "key_service": KEY_SERVICE,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def service_view(service: ServiceType) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "service_name": service.name,
        "description": service.description,
        "metadata": service.metadata,
        "type": service.type,
        "keywords": ", ".join(service.keywords),
        "group": service.group,
    }


def attribute_view(attribute: Attribute) -> dict[str, Any]:
    return {
        "variable": attribute.variable,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": attribute.datatype_description,
        "order": attribute.order,
        "description": attribute.description,
        "values": [{"key": v.key, "name": v.name} for v in attribute.values],
    }


def definition_view(service: ServiceType) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "attributes": [attribute_view(a) for a in service.attributes],
    }


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def open_or_closed(complaint: Complaint) -> str:
    return "closed" if complaint.status in FINAL_STATES else "open"


def request_view(complaint: Complaint, row: Open311Request, notes: str | None) -> dict[str, Any]:
    service = catalog_service(row.service_code)
    return {
        "service_request_id": complaint.id,
        "status": open_or_closed(complaint),
        "status_notes": notes,
        "service_name": service.name if service else row.service_code,
        "service_code": row.service_code,
        "description": row.description,
        "agency_responsible": department_label(complaint.department),
        "service_notice": service.notice if service else None,
        "requested_datetime": w3(complaint.created_at),
        "updated_datetime": w3(complaint.updated_at),
        "expected_datetime": w3(complaint.resolution_due),
        "address": row.address_string or (complaint.location if row.address_id else None),
        "address_id": row.address_id,
        "zipcode": None,
        "lat": _number(row.lat),
        "long": _number(row.long),
        "media_url": row.media_url,
    }


def created_view(complaint: Complaint, row: Open311Request) -> dict[str, Any]:
    service = catalog_service(row.service_code)
    return {
        "service_request_id": complaint.id,
        "service_notice": service.notice if service else None,
        "account_id": row.account_id,
    }


def update_view(step: ComplaintStep, progress: Progress) -> dict[str, Any]:
    return {
        "update_id": step.id,
        "service_request_id": step.complaint_id,
        "status": progress.status,
        "updated_datetime": w3(step.at),
        "description": progress.note,
        "media_url": None,
    }
