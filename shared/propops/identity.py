"""A visitor's identity (DOMAIN §1.5): confirmed only when a document was seen. The front desk
(confirm-identity) and the gate (an entry the desk had not confirmed) use the same rule."""

from __future__ import annotations

from typing import Literal

from propops.errors import Invalid

DocumentKind = Literal["hkid", "passport", "driving_licence", "staff_card", "other"]


def document_seen(document_kind: str | None, document_checked: bool | None) -> str:
    """The kind of document seen, or 422 naming the field missing: a kind must be named and the
    document must have been checked."""
    if document_kind is None:
        raise Invalid("name the kind of document seen", field="document_kind")
    if not document_checked:
        raise Invalid("the visitor's document must be seen to confirm", field="document_checked")
    return document_kind
