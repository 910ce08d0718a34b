import security.gate.models  # noqa: F401 - registers the tables
from propops.migrations import run_env
from security.db import Base

run_env(Base.metadata)
