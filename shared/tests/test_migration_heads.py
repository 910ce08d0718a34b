"""Every migration history (each service's, and the shared features') has exactly one head: two
branches that each added a migration must be chained when they merge, or `upgrade head` fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

ROOT = Path(__file__).resolve().parents[2]
HISTORIES = sorted(p.parent for p in ROOT.glob("**/migrations/versions") if ".venv" not in p.parts)


def test_the_histories_are_found() -> None:
    names = {h.relative_to(ROOT).as_posix() for h in HISTORIES}
    assert "services/frontdesk/frontdesk/migrations" in names
    assert "shared/propops/tasks/migrations" in names


@pytest.mark.parametrize("history", HISTORIES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_one_head(history: Path) -> None:
    heads = ScriptDirectory(str(history)).get_heads()
    assert len(heads) <= 1, f"{history.relative_to(ROOT)} has {len(heads)} heads: {heads}"
