"""The one catalog of every integration event type: name, owning department, payload class.

Type names follow ``propops.<dept>.<entity>.<verb>.v1``; each event is published on the NATS
subject equal to its type (prefixed by the namespace setting, if any) in its department's stream.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel

from propops.events import payloads as p
from propops.settings import DEPARTMENTS


@dataclass(frozen=True)
class EventSpec:
    type: str
    payload: type[BaseModel]
    description: str

    @property
    def department(self) -> str:
        return self.type.split(".")[1]


_SPECS: tuple[EventSpec, ...] = (
    EventSpec(
        "propops.frontdesk.unit.registered.v1",
        p.UnitRegistered,
        "A unit was added to the property register.",
    ),
    EventSpec(
        "propops.fees.account.opened.v1", p.AccountOpened, "Fees opened the account of a unit."
    ),
)

CATALOG: dict[str, EventSpec] = {s.type: s for s in _SPECS}
_BY_PAYLOAD: dict[type[BaseModel], EventSpec] = {s.payload: s for s in _SPECS}


def _check_catalog() -> None:
    for spec in _SPECS:
        parts = spec.type.split(".")
        if len(parts) != 5 or parts[0] != "propops" or not re.fullmatch(r"v\d+", parts[4]):
            raise ValueError(f"bad event type name {spec.type!r}")
        if parts[1] not in DEPARTMENTS:
            raise ValueError(f"event {spec.type!r} names an unknown department")


_check_catalog()


def spec_for(event_type: str) -> EventSpec:
    try:
        return CATALOG[event_type]
    except KeyError:
        raise KeyError(
            f"unknown event type {event_type!r}; add it to propops.events.catalog"
        ) from None


def spec_for_payload(payload_cls: type[BaseModel]) -> EventSpec:
    try:
        return _BY_PAYLOAD[payload_cls]
    except KeyError:
        raise KeyError(f"{payload_cls.__name__} is not in the event catalog") from None


def payload_model(event_type: str) -> type[BaseModel]:
    return spec_for(event_type).payload


def stream_for(department: str, namespace: str = "") -> str:
    """The JetStream stream holding one department's events."""
    base = f"PROPOPS_{department.upper()}"
    return f"{namespace.upper()}_{base}" if namespace else base


def subject_for(event_type: str, namespace: str = "") -> str:
    return f"{namespace}.{event_type}" if namespace else event_type


def stream_subjects(department: str, namespace: str = "") -> list[str]:
    return [subject_for(f"propops.{department}.>", namespace)]
