# the models' modules register their tables on Base.metadata
import fees.accounts.models
import fees.charges.models
import fees.paid_services.models
import fees.payments.models  # noqa: F401
from fees.db import Base
from propops.migrations import run_env

run_env(Base.metadata)
