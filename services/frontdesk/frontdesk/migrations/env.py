import frontdesk.register.models  # noqa: F401 - registers the tables
from frontdesk.db import Base
from propops.migrations import run_env

run_env(Base.metadata)
