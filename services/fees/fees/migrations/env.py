# the models' modules register their tables on Base.metadata
import fees.accounts.models
import fees.billing_runs.models
import fees.charges.models
import fees.collection.models
import fees.contracts.models
import fees.paid_services.models
import fees.payments.models
import fees.rates.models  # noqa: F401
from fees.db import Base
from propops.migrations import run_env

run_env(Base.metadata)
