import gateway.notifications.models
import gateway.portal.models
import gateway.users.models  # noqa: F401
from gateway.db import Base
from propops.migrations import run_env

run_env(Base.metadata)
