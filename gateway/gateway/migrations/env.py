import gateway.users.models  # noqa: F401 - registers the tables
from gateway.db import Base
from propops.migrations import run_env

run_env(Base.metadata)
