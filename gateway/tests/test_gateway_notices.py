"""The front desk's published notices are public through the gateway (GET only, that path only);
the flow itself is in tests/test_paid_service_flow.py."""

from __future__ import annotations

from gateway.proxy.api import _is_public


def test_public_notices_path_only() -> None:
    assert _is_public("frontdesk", "public/v1/notices", "GET")
    assert not _is_public("frontdesk", "public/v1/notices", "POST")
    assert not _is_public("frontdesk", "public/v1/notices/../../v1/notices", "GET")
    assert not _is_public("frontdesk", "v1/notices", "GET")
    assert not _is_public("fees", "public/v1/notices", "GET")
