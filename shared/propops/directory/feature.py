"""The user copy as a ``Feature``: ``build_service_app`` mounts it in every service."""

from __future__ import annotations

from propops.directory import DIRECTORY_SCRIPTS, DIRECTORY_VERSION_TABLE
from propops.directory.handlers import DIRECTORY_SUBSCRIPTIONS
from propops.feature import Feature


def directory_feature() -> Feature:
    return Feature(
        name="directory",
        subscriptions=DIRECTORY_SUBSCRIPTIONS,
        migrations=(DIRECTORY_SCRIPTS, DIRECTORY_VERSION_TABLE),
    )
