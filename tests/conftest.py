"""Fixtures of the cross-service tests (defined in system_harness)."""

from system_harness import admin, make_system, module_system, system

__all__ = ["admin", "make_system", "module_system", "system"]
