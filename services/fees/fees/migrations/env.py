import fees.accounts.models  # noqa: F401 - registers the tables
from fees.db import Base
from propops.migrations import run_env

run_env(Base.metadata)
