"""``propops user add``: adds a user the gateway signs in; refuses bad roles and duplicates."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from gateway.users import service
from propops.db import Database


def user_add(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROPOPS_")}
    env["PROPOPS_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", "user", "add", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_user_add_creates_a_user_who_can_sign_in(tmp_path: Path) -> None:
    done = user_add(
        tmp_path,
        "carol",
        "--role",
        "engineering",
        "--role",
        "manager",
        "--password",
        "carol-pass-1",
    )
    assert done.returncode == 0, done.stderr
    assert "user carol added" in done.stdout and "engineering, manager" in done.stdout
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}")
    try:
        async with db.sessions() as session:
            user = await service.authenticate(session, "carol", "carol-pass-1")
            assert user is not None and user.roles == ["engineering", "manager"]
            assert await service.authenticate(session, "carol", "wrong-pass-1") is None
    finally:
        await db.dispose()
    again = user_add(tmp_path, "carol", "--role", "fees", "--password", "other-pass-1")
    assert again.returncode == 1 and "taken" in again.stderr
    bad = user_add(tmp_path, "dave", "--role", "janitor", "--password", "dave-pass-12")
    assert bad.returncode == 2 and "roles" in bad.stderr
    # the front desk's supervisor (with frontdesk: alone it is refused, see test_desk_supervisor)
    desk = ("--role", "frontdesk", "--role", "supervisor")
    done = user_add(tmp_path, "sal", *desk, "--password", "sal-pass-123")
    assert done.returncode == 0 and "frontdesk, supervisor" in done.stdout, done.stderr
