"""Integration events: the CloudEvents envelope, typed payloads and the catalog of every type."""

from propops.events.catalog import CATALOG, EventSpec, payload_model, spec_for, stream_for
from propops.events.envelope import CloudEvent, new_event

__all__ = [
    "CATALOG",
    "CloudEvent",
    "EventSpec",
    "new_event",
    "payload_model",
    "spec_for",
    "stream_for",
]
