"""``python -m propops.migrations revision <package> -m "message" [--url URL]``: autogenerate a
revision of one service's migrations against a scratch database brought to head first."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import shutil
import tempfile
from pathlib import Path

from alembic import command

from propops.db import Database
from propops.migrations import MESSAGING_SCRIPTS, MESSAGING_VERSION_TABLE, _config, upgrade


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m propops.migrations")
    parser.add_argument("action", choices=["revision"])
    parser.add_argument(
        "package", help="service package, e.g. frontdesk, or 'propops' for messaging"
    )
    parser.add_argument("-m", "--message", required=True)
    args = parser.parse_args()

    if args.package == "propops":
        scripts, version_table = MESSAGING_SCRIPTS, MESSAGING_VERSION_TABLE
    else:
        mod = importlib.import_module(args.package)
        scripts = Path(mod.__file__).parent / "migrations"
        version_table = f"alembic_version_{args.package}"
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/scratch.db"
        db = Database(url)
        if args.package != "propops":
            asyncio.run(upgrade(db.engine, scripts, args.package))
        asyncio.run(db.dispose())
        cfg = _config(scripts, version_table)
        cfg.attributes["url"] = url
        # One template for every service: lent to the script folder while alembic writes.
        template = scripts / "script.py.mako"
        shutil.copy(Path(__file__).parent / "script.py.mako", template)
        try:
            command.revision(cfg, message=args.message, autogenerate=True)
        finally:
            template.unlink()


if __name__ == "__main__":
    main()
