"""File uploads and downloads: the one upload route's body limit (the front desk's documents),
shared by the service and the gateway, and the ``Content-Disposition`` of a download."""

from __future__ import annotations

from urllib.parse import quote

from propops.errors import DomainError
from propops.settings import ServiceSettings

# The upload route, as the front desk serves it and as the gateway forwards it.
DOCUMENTS_UPLOAD = ("POST", "/v1/documents")
GATEWAY_DOCUMENTS_UPLOAD = ("POST", "/api/frontdesk/v1/documents")
# What a multipart body carries besides the file: boundaries, part headers, the small fields.
MULTIPART_ALLOWANCE = 64 * 1024


def upload_body_limit(settings: ServiceSettings) -> int:
    """The largest request body the upload route takes: the file's limit and the form around
    it (the file itself is checked against ``document_max_bytes`` by the route)."""
    return settings.document_max_bytes + MULTIPART_ALLOWANCE


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """``attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>`` (RFC 6266
    and RFC 8187): every browser gets a name, a non-ASCII one exactly."""
    cleaned = "".join(c for c in filename if c.isprintable() and c not in '"\\/') or "download"
    fallback = "".join(c if c.isascii() else "_" for c in cleaned)
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(cleaned, safe='')}"


class TooLarge(DomainError):
    """413: an uploaded file past its limit (the body limit answers the same for a body)."""

    status = 413
    title = "Content too large"
