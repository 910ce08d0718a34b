"""Schemathesis against every service and the gateway: generated requests, valid and invalid,
to every documented operation, as a throwaway admin (the admin of the test system's own data
directory, never a real one). No answer may be a 5xx, and every answer must be one the OpenAPI
document describes (status code, content type, body schema).

Bounded so the suite stays quick (about 2 minutes on an idle 2-core machine): a fixed number of
examples per operation and mode, derandomized (the same requests every run), no deadline, no
shrinking.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from propops.settings import DEPARTMENTS

from system_harness import ADMIN_PASSWORD, System

# examples per operation and mode (valid, invalid); more with PROPOPS_FUZZ_EXAMPLES=100
MAX_EXAMPLES = int(os.environ.get("PROPOPS_FUZZ_EXAMPLES", "3"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def fuzz(spec: dict[str, Any], base_url: str, headers: dict[str, str]) -> list[str]:
    """Every operation of ``spec``, valid and invalid requests; the failures found."""
    schema = schemathesis.openapi.from_dict(spec)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):

            @hypothesis.settings(
                max_examples=MAX_EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
            def run(case: schemathesis.Case) -> None:
                case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)

            started = time.monotonic()
            try:
                run()
            except Unsatisfiable:
                pass  # nothing to make invalid (an operation without parameters)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - reported below
                failures.append(f"{operation.label} [{mode.value}]: {str(exc)[:1500]}")
            finally:
                took = time.monotonic() - started
                print(f"fuzz {operation.label} [{mode.value}] {took:.1f}s", file=sys.stderr)
    return failures


@pytest.mark.system
@pytest.mark.also_on_postgres
@pytest.mark.timeout(900)
def test_api_fuzz_every_service_and_the_gateway(system: System) -> None:
    """The system as ``propops up`` runs it (separate processes); every service's API through
    the gateway, as its docs page loads it, and the gateway's own API."""
    url = system.gateway_url
    token = httpx.post(
        f"{url}/api/auth/token",
        data={"username": "admin", "password": ADMIN_PASSWORD},  # this test's own admin
        timeout=30,
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    failures: list[str] = []
    for name in DEPARTMENTS:
        spec = httpx.get(f"{url}/api/{name}/openapi.json", timeout=30).json()
        assert spec["servers"] == [{"url": f"/api/{name}"}]
        failures += fuzz(spec, f"{url}/api/{name}", headers)
    gateway_spec = httpx.get(f"{url}/openapi.json", timeout=30).json()
    failures += fuzz(gateway_spec, url, headers)
    assert not failures, "\n\n".join(failures)
