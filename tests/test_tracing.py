"""One trace from the gateway request to the consuming service's handler, exported over OTLP."""

from __future__ import annotations

import asyncio
import json

import pytest

from propops.testing.fixtures import eventually

from otlp_receiver import OtlpReceiver
from system_harness import signed_in

pytestmark = pytest.mark.system


async def test_one_trace_from_gateway_request_to_fees_handler(make_system) -> None:
    with OtlpReceiver() as otlp:
        system = make_system(
            OTEL_EXPORTER_OTLP_ENDPOINT=otlp.endpoint, OTEL_BSP_SCHEDULE_DELAY="200"
        )
        await asyncio.to_thread(system.start)
        async with signed_in(system.gateway_url) as admin:
            r = await admin.post("/api/frontdesk/v1/properties", json={"code": "TR", "name": "T"})
            prop = r.json()["id"]
            r = await admin.post(
                "/api/frontdesk/v1/units",
                json={"property_id": prop, "building": "A", "number": "1"},
            )
            assert r.status_code == 201
            unit_id = r.json()["id"]

            async def consumed() -> list:
                return [
                    s
                    for s in otlp.snapshot()
                    if s.service == "fees"
                    and s.name.endswith("process")
                    and s.attributes.get("cloudevents.event_type")
                    == "propops.frontdesk.unit.registered.v1"
                ]

            [consume] = await eventually(consumed, within=30, what="fees consume span")

            def complete(spans: list) -> bool:
                return (
                    any(s.service == "fees" and s.parent_span_id == consume.span_id for s in spans)
                    and any(s.service == "gateway" and s.kind == 2 for s in spans)  # SERVER
                    and any(s.service == "frontdesk" and s.name.startswith("INSERT") for s in spans)
                )

            async def whole_trace() -> list:
                spans = [s for s in otlp.snapshot() if s.trace_id == consume.trace_id]
                return spans if complete(spans) else []

            trace = await eventually(whole_trace, within=15, what="every span of the trace")
            # and the handler in that trace did its work: the unit's account exists
            r = await admin.get("/api/fees/v1/accounts", params={"unit_id": unit_id})
            assert r.json()["total"] == 1
        services = {s.service for s in trace}
        assert {"gateway", "frontdesk", "fees"} <= services
        gateway_server = [s for s in trace if s.service == "gateway" and s.kind == 2]  # SERVER
        assert any("/api/frontdesk" in s.name or s.name.startswith("POST") for s in gateway_server)
        publish = [s for s in trace if s.service == "frontdesk" and s.name.endswith("publish")]
        assert publish and consume.parent_span_id == publish[0].span_id
        # SQLAlchemy spans: the unit's INSERT at the front desk belongs to the same trace
        assert any(s.service == "frontdesk" and s.name.startswith("INSERT") for s in trace)
        # JSON logs carry the trace id (the gateway logs each forwarded request)
        gateway_log = system.child("gateway").log_path.read_text()
        lines = [json.loads(line) for line in gateway_log.splitlines() if consume.trace_id in line]
        assert lines and all(
            line["trace_id"] == consume.trace_id and line["span_id"] for line in lines
        )
