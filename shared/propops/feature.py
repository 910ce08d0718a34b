"""A feature as a service mounts it: its routes, the events it reacts to, its background jobs,
and (for features written once in ``propops``) a migration history of its own.

A service is ``build_service_app(settings, features=[...])``; each feature folder exposes one
``Feature`` (see docs/adding-a-feature.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter

from propops.context import BackgroundJob
from propops.messaging.subscriptions import On


@dataclass(frozen=True)
class Feature:
    name: str
    # mounted under /v1 behind the service's token and rights check
    routers: Sequence[APIRouter] = ()
    # mounted under /v1 for managers (and admins) only, not the department's staff: a decision
    # a manager takes on the department's records, e.g. overriding arrears on a release pass
    manager_routers: Sequence[APIRouter] = ()
    # mounted under /v1 for the department's staff and managers (and admins): a decision its
    # supervisor or a manager takes (e.g. approving a clerk's leave); each route applies its own
    # rule of who may (``propops.supervisor``)
    supervisor_routers: Sequence[APIRouter] = ()
    # mounted as they are (no /v1, none of the service's rights checks: the router brings its
    # own, if any): e.g. a public standard's endpoints, or a path another department may read
    public_routers: Sequence[APIRouter] = ()
    subscriptions: Sequence[On[Any]] = ()
    jobs: Sequence[BackgroundJob] = ()
    # (scripts folder, version table) of a shared migration history, applied before the
    # service's own migrations; services' own features keep their tables in those
    migrations: tuple[Path, str] | None = None
    tags: Sequence[str] = field(default_factory=tuple)
