"""Each service's copy of the gateway's users (the gateway owns them and publishes every change
as ``propops.gateway.user.changed.v1``).

The copy serves two rules: a token is refused when its user is deactivated or was changed after
it was issued (``check_principal``, run on every request through ``app.state.user_check``), and
a task's assignee must be an active user of the department (``require_member``).
``build_service_app`` switches it on in every service: its migrations (version table
``alembic_version_propops_directory``), its handler and the token check.
"""

from pathlib import Path

DIRECTORY_SCRIPTS = Path(__file__).parent / "migrations"
DIRECTORY_VERSION_TABLE = "alembic_version_propops_directory"

__all__ = ["DIRECTORY_SCRIPTS", "DIRECTORY_VERSION_TABLE"]
