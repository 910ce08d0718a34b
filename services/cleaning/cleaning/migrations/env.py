# the models' modules register their tables on Base.metadata
import cleaning.areas.models
import cleaning.greening.models
import cleaning.hygiene.models
import cleaning.schedules.models  # noqa: F401
from cleaning.db import Base
from propops.migrations import run_env

run_env(Base.metadata)
