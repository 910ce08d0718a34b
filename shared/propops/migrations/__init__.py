"""Alembic migrations applied at start: the shared messaging tables, then those of the shared
features the service switches on (e.g. ``propops.tasks``), then the service's own.

Each service keeps an Alembic script folder whose ``env.py`` is two lines::

    from propops.migrations import run_env
    run_env(Base.metadata)

``upgrade()`` runs in-process on the service's async engine; on PostgreSQL an advisory lock
serialises replicas that start together. Developers make a new revision with
``python -m propops.migrations revision <package> -m "message"`` (autogenerate; the package is a
service, ``propops`` for messaging or ``propops.tasks`` for the department tasks).
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Sequence
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

MESSAGING_SCRIPTS = Path(__file__).parent / "messaging"
MESSAGING_VERSION_TABLE = "alembic_version_propops"


def _config(script_location: Path, version_table: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.attributes["version_table"] = version_table
    return cfg


def run_env(target_metadata: MetaData) -> None:
    """Body of every ``env.py``: migrate on the connection handed in by ``upgrade``."""
    cfg = context.config
    version_table = cfg.attributes.get("version_table", "alembic_version")
    connection: Connection | None = cfg.attributes.get("connection")

    def _run(conn: Connection) -> None:
        context.configure(
            connection=conn,
            target_metadata=target_metadata,
            version_table=version_table,
            render_as_batch=conn.dialect.name == "sqlite",
            compare_type=True,
            include_name=lambda name, type_, parent: (
                type_ != "table" or name in target_metadata.tables
            ),
        )
        with context.begin_transaction():
            context.run_migrations()

    if connection is not None:
        _run(connection)
        return
    url = cfg.attributes.get("url") or cfg.get_main_option("sqlalchemy.url")
    engine = create_async_engine(url, poolclass=pool.NullPool)

    async def _go() -> None:
        async with engine.connect() as conn:
            await conn.run_sync(_run)
            await conn.commit()
        await engine.dispose()

    asyncio.run(_go())


def _upgrade_sync(conn: Connection, scripts: list[tuple[Path, str]]) -> None:
    for location, version_table in scripts:
        cfg = _config(location, version_table)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


async def upgrade(
    engine: AsyncEngine,
    service_scripts: Path | None,
    service_name: str,
    extra_scripts: Sequence[tuple[Path, str]] = (),
) -> None:
    """Apply the messaging migrations, then the shared features' (``extra_scripts``: script
    folder and version table each, e.g. the department tasks), then the service's own (if any),
    up to head."""
    scripts = [(MESSAGING_SCRIPTS, MESSAGING_VERSION_TABLE), *extra_scripts]
    if service_scripts is not None:
        scripts.append((service_scripts, f"alembic_version_{service_name}"))
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            key = zlib.crc32(f"propops-migrate-{service_name}".encode())
            await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
        await conn.run_sync(_upgrade_sync, scripts)
