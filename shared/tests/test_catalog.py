"""The event catalog: names, streams, envelopes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from propops.events import CATALOG, CloudEvent, new_event
from propops.events.catalog import PUBLISHERS, stream_for, subject_for, task_event_type
from propops.events.payloads import ComplaintChanged, TaskChanged, UnitRegistered
from propops.messaging.subscriptions import On


def test_every_type_is_named_by_the_convention() -> None:
    pattern = re.compile(r"^propops\.(?P<dept>[a-z]+)\.[a-z_]+\.[a-z_]+\.v\d+$")
    for event_type, spec in CATALOG.items():
        match = pattern.match(event_type)
        assert match, event_type
        assert match["dept"] in PUBLISHERS and spec.department == match["dept"]


def test_envelope_is_cloudevents_and_round_trips() -> None:
    payload = UnitRegistered(
        unit_id="u", property_id="p", property_code="P", building="A", number="1"
    )
    event = new_event(payload, subject="u")
    assert event.type == "propops.frontdesk.unit.registered.v1"
    assert event.source == "/propops/frontdesk" and event.specversion == "1.0"
    again = CloudEvent.from_json(event.to_json())
    assert again == event and again.time.tzinfo is not None


def test_a_payload_serving_several_types_needs_the_type_named() -> None:
    payload = ComplaintChanged(
        complaint_id="c", property_id="p", status="recorded", at=datetime.now(UTC)
    )
    with pytest.raises(KeyError):
        new_event(payload)
    with pytest.raises(KeyError):
        new_event(payload, event_type=task_event_type("engineering", "created"))
    event = new_event(payload, event_type="propops.frontdesk.complaint.recorded.v1")
    assert event.data["status"] == "recorded"


def test_streams_and_subjects() -> None:
    assert stream_for("fees") == "PROPOPS_FEES"
    assert stream_for("fees", "t1") == "T1_PROPOPS_FEES"
    assert subject_for("propops.fees.account.opened.v1") == "propops.fees.account.opened.v1"
    assert (
        subject_for("propops.fees.account.opened.v1", "t1") == "t1.propops.fees.account.opened.v1"
    )


def test_a_subscription_narrowed_to_exact_types() -> None:
    async def handle(*_: object) -> None:
        return None

    own = task_event_type("engineering", "completed")
    assert On(TaskChanged, handle, types=(own,)).event_types() == [own]
    assert len(On(TaskChanged, handle, verbs=("completed",)).event_types()) > 1
    with pytest.raises(ValueError, match="not carried by"):
        On(TaskChanged, handle, types=("propops.frontdesk.complaint.recorded.v1",)).event_types()
