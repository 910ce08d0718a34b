"""The ``propops`` command: ``propops up`` runs the whole system, ``propops user add`` a user."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from gateway import supervisor as sv
from propops.settings import DEPARTMENTS

app = typer.Typer(help="PropOps: run the system and manage it.", no_args_is_help=True)
user_app = typer.Typer(help="Manage gateway users.", no_args_is_help=True)
app.add_typer(user_app, name="user")


class _Stop(Exception):
    pass


def _raise_stop(signum: int, _frame: object) -> None:
    raise _Stop(signum)


@app.command()
def up() -> None:
    """Start NATS (embedded unless PROPOPS_NATS_URL is set), the six services and the gateway;
    wait until all are ready; stop them all on Ctrl-C or SIGTERM."""
    started = time.monotonic()
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    p = sv.plan(dict(os.environ))
    try:
        nats_url = p.nats_url
        if nats_url is None:
            p.nats, nats_url = sv.start_embedded_nats(p.data_dir, p.env)
            typer.echo(f"nats       {nats_url} (embedded, data in {p.data_dir / 'nats'})")
        else:
            typer.echo(f"nats       {nats_url}")
        gateway_log = p.data_dir / "logs" / "gateway.log"
        offset = gateway_log.stat().st_size if gateway_log.exists() else 0
        down = sv.launch(p, nats_url, tolerate=frozenset(DEPARTMENTS))
        for child in p.children[:-1]:
            state = "  DOWN: exited during start, restarting" if child in down else ""
            typer.echo(f"{child.name:<10} {child.ready_url.removesuffix('/readyz')}{state}")  # type: ignore[union-attr]
        elapsed = time.monotonic() - started
        if down:
            typer.echo(
                f"\nPropOps is up in {elapsed:.1f}s at {p.gateway_url}, but DOWN: "
                f"{', '.join(c.name for c in down)} (restarted with backoff; the rest works; "
                f"health: {p.gateway_url}/api/health)"
            )
            for child in down:
                typer.echo(f"{child.name}'s log ({child.log_path}) ends:\n{child.tail()}")
        else:
            typer.echo(
                f"\nPropOps is ready in {elapsed:.1f}s at {p.gateway_url}  (API docs: "
                f"{p.gateway_url}/docs, health: {p.gateway_url}/api/health)"
            )
        password = sv.first_admin_password(gateway_log, offset)
        if password:
            typer.echo(
                f"Sign in as 'admin' with the generated password: {password}\n"
                "(shown once; set PROPOPS_ADMIN_PASSWORD before the first start to choose it)"
            )
        else:
            typer.echo(
                "Sign in: POST /api/auth/token with username 'admin' and the admin password "
                "(PROPOPS_ADMIN_PASSWORD, or the one printed at the first start)."
            )
        typer.echo(f"Logs: {p.data_dir / 'logs'}.  Ctrl-C stops everything.")
        _watch(p, nats_url)
    except _Stop:
        typer.echo("\nstopping...")
    except sv.StartupError as exc:
        typer.echo(f"propops up: {exc}", err=True)
        sv.stop_all(p)
        raise typer.Exit(1) from None
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        sv.stop_all(p)
    typer.echo("stopped.")


def _watch(p: sv.Plan, nats_url: str) -> None:
    """Start again any child that dies (same port), with backoff while it keeps dying; the
    others keep running. Lines go to the terminal (stderr)."""
    watcher = sv.Watcher(
        p,
        say=lambda line: typer.echo(line, err=True),
        nats_port=int(nats_url.rsplit(":", 1)[1]) if p.nats is not None else None,
        backoff_max=float(p.env.get("PROPOPS_RESTART_BACKOFF_MAX_SECONDS", sv.RESTART_BACKOFF_MAX)),
    )
    while True:
        watcher.step()
        time.sleep(0.5)


@user_app.command("add")
def user_add(
    username: str,
    role: Annotated[list[str], typer.Option("--role", "-r", help="repeat for several roles")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    property_id: Annotated[list[str] | None, typer.Option("--property-id")] = None,
) -> None:
    """Add a user to the gateway's database (PROPOPS_DATA_DIR or PROPOPS_DATABASE_URL)."""
    from pydantic import ValidationError

    from gateway.settings import GatewaySettings
    from gateway.users import service
    from gateway.users.schemas import UserIn
    from propops.db import Database
    from propops.errors import DomainError
    from propops.migrations import upgrade

    try:
        data = UserIn(
            username=username,
            password=password,
            roles=role,  # type: ignore[arg-type]
            property_ids=property_id or [],
        )
    except ValidationError as exc:
        typer.echo(f"invalid: {exc.errors()[0]['loc'][0]}: {exc.errors()[0]['msg']}", err=True)
        raise typer.Exit(2) from None
    settings = GatewaySettings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)

    async def _add() -> str:
        db = Database(settings.resolved_database_url())
        try:
            await upgrade(db.engine, Path(__file__).parent / "migrations", "gateway")
            async with db.sessions() as session:
                user = await service.create_user(session, data)
                await session.commit()
                return user.id
        finally:
            await db.dispose()

    try:
        user_id = asyncio.run(_add())
    except DomainError as exc:
        typer.echo(f"propops user add: {exc.detail}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"user {username} added (id {user_id}, roles {', '.join(sorted(set(role)))})")


def main() -> None:
    app(prog_name="propops")


if __name__ == "__main__":
    sys.exit(main())
