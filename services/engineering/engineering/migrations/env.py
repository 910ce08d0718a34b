# the models' modules register their tables on Base.metadata
import engineering.equipment.models
import engineering.maintenance.models  # noqa: F401
from engineering.db import Base
from propops.migrations import run_env

run_env(Base.metadata)
