"""OpenTelemetry tracing and JSON logs carrying trace ids.

- FastAPI, SQLAlchemy and httpx are instrumented; NATS publish/consume spans are made by the bus
  (``publish_span`` / ``consume_span``) with W3C trace context carried in message headers.
- Spans are exported over OTLP/HTTP when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set.
- Logs are JSON lines (structlog) with ``trace_id`` and ``span_id`` of the current span.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import structlog
from fastapi import FastAPI
from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, SpanKind
from sqlalchemy.engine import Engine

_state: dict[str, Any] = {"provider": None, "httpx": False, "engines": set()}


def setup_tracing(service_name: str) -> TracerProvider:
    """Install the process's tracer provider once (first caller names the service)."""
    if _state["provider"] is not None:
        return _state["provider"]
    resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", service_name)})
    provider = TracerProvider(resource=resource)
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get(
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
    ):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    _state["provider"] = provider
    if not _state["httpx"]:
        HTTPXClientInstrumentor().instrument()
        _state["httpx"] = True
    return provider


def shutdown_tracing() -> None:
    provider = _state["provider"]
    if provider is not None:
        provider.force_flush(timeout_millis=2000)


def instrument_app(app: FastAPI) -> None:
    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz")


def instrument_engine(engine: Engine) -> None:
    if id(engine) in _state["engines"]:
        return
    _state["engines"].add(id(engine))
    SQLAlchemyInstrumentor().instrument(engine=engine, enable_commenter=False)


def tracer() -> trace.Tracer:
    return trace.get_tracer("propops")


def current_carrier() -> dict[str, str]:
    """W3C trace context of the current span, as headers."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


@contextmanager
def publish_span(
    subject: str, event_type: str, parent: Mapping[str, str]
) -> Iterator[tuple[Span, dict[str, str]]]:
    """A PRODUCER span under the context stored with the event; yields headers to send."""
    ctx: Context = propagate.extract(dict(parent))
    with tracer().start_as_current_span(
        f"{subject} publish",
        context=ctx,
        kind=SpanKind.PRODUCER,
        attributes={
            "messaging.system": "nats",
            "messaging.destination.name": subject,
            "messaging.operation.type": "publish",
            "cloudevents.event_type": event_type,
        },
    ) as span:
        headers: dict[str, str] = {}
        propagate.inject(headers)
        yield span, headers


@contextmanager
def consume_span(
    subject: str, event_type: str, event_id: str, headers: Mapping[str, str] | None, consumer: str
) -> Iterator[Span]:
    ctx = propagate.extract(dict(headers or {}))
    with tracer().start_as_current_span(
        f"{subject} process",
        context=ctx,
        kind=SpanKind.CONSUMER,
        attributes={
            "messaging.system": "nats",
            "messaging.destination.name": subject,
            "messaging.operation.type": "process",
            "messaging.consumer.group.name": consumer,
            "messaging.message.id": event_id,
            "cloudevents.event_type": event_type,
        },
    ) as span:
        yield span


def _add_trace_ids(_logger: Any, _name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    ctx = trace.get_current_span().get_span_context()
    if ctx.is_valid:
        event_dict["trace_id"] = format(ctx.trace_id, "032x")
        event_dict["span_id"] = format(ctx.span_id, "016x")
    return event_dict


def setup_logging(service_name: str, level: str = "INFO", json: bool = True) -> None:
    """JSON log lines on stderr, from structlog and the standard logging module alike."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_trace_ids,
        lambda _l, _n, ed: {"service": service_name, **ed},
    ]
    renderer: Any = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        uv_logger = logging.getLogger(name)
        uv_logger.handlers = []
        uv_logger.propagate = True
    for noisy in ("uvicorn.access", "nats"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
