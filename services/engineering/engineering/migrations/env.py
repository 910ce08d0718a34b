from engineering.db import Base
from propops.migrations import run_env

run_env(Base.metadata)
