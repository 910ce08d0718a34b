"""The ``propops`` command: ``propops up`` runs the whole system, ``propops user add`` adds a
user, ``propops user reset-password`` sets one's password."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from pydantic import ValidationError

from gateway import supervisor as sv
from propops.settings import DEPARTMENTS

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")

app = typer.Typer(help="PropOps: run the system and manage it.", no_args_is_help=True)
user_app = typer.Typer(help="Manage gateway users.", no_args_is_help=True)
app.add_typer(user_app, name="user")


class _Stop(BaseException):
    """Ctrl-C or SIGTERM, raised wherever the main thread is: a BaseException (as
    KeyboardInterrupt is), so that no ``except Exception`` on the way (a health probe's, say)
    swallows it and leaves ``propops up`` running."""


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
    # The first admin's password: chosen here when not given, handed to the gateway in its
    # environment (used only if it has no user yet) and shown on this terminal, never logged.
    generated = None
    if not p.env.get("PROPOPS_ADMIN_PASSWORD"):
        from gateway.users.service import generate_password

        generated = p.env["PROPOPS_ADMIN_PASSWORD"] = generate_password()
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
        if generated and sv.first_admin_created(gateway_log, offset):
            typer.echo(
                f"Sign in as 'admin' with the generated password: {generated}\n"
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
    from gateway.users import service
    from gateway.users.schemas import UserIn

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

    async def add(session: AsyncSession) -> str:
        user = await service.create_user(session, data)
        await session.commit()
        return user.id

    user_id = _on_gateway_db("add", add)
    typer.echo(f"user {username} added (id {user_id}, roles {', '.join(sorted(set(role)))})")


@user_app.command("reset-password")
def user_reset_password(
    username: str,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the new password from stdin")
    ] = False,
) -> None:
    """Set a user's password (an admin's task, on the gateway's database). The user's tokens
    stop working: sign in again with the new password."""
    from gateway.users import service
    from gateway.users.schemas import UserPatch

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        UserPatch(password=password)
    except ValidationError as exc:
        typer.echo(f"invalid: password: {exc.errors()[0]['msg']}", err=True)
        raise typer.Exit(2) from None

    async def reset(session: AsyncSession) -> str:
        user = await service.reset_password(session, username, password)
        await session.commit()
        return user.id

    user_id = _on_gateway_db("reset-password", reset)
    typer.echo(f"password of {username} reset (id {user_id}); their tokens no longer work")


def _on_gateway_db(command: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in a session on the gateway's database (brought to head first); a
    ``DomainError`` is a message and exit code 1."""
    from gateway.settings import GatewaySettings
    from propops.db import Database
    from propops.errors import DomainError
    from propops.migrations import upgrade

    settings = GatewaySettings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)

    async def run() -> T:
        db = Database(settings.resolved_database_url())
        try:
            await upgrade(db.engine, Path(__file__).parent / "migrations", "gateway")
            async with db.sessions() as session:
                return await work(session)
        finally:
            await db.dispose()

    try:
        return asyncio.run(run())
    except DomainError as exc:
        typer.echo(f"propops user {command}: {exc.detail}", err=True)
        raise typer.Exit(1) from None


def main() -> None:
    app(prog_name="propops")


if __name__ == "__main__":
    sys.exit(main())
