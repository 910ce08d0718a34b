# the models' modules register their tables on Base.metadata
import security.gate.models
import security.incidents.models
import security.patrols.models
import security.post_checks.models
import security.posts.models
import security.shifts.models  # noqa: F401
from propops.migrations import run_env
from security.db import Base

run_env(Base.metadata)
