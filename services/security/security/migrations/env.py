from propops.migrations import run_env
from security.db import Base

run_env(Base.metadata)
