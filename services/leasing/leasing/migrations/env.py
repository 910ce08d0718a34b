# the models' modules register their tables on Base.metadata
import leasing.ads.models
import leasing.artwork.models
import leasing.contracts.models
import leasing.negotiations.models
import leasing.properties.models
import leasing.spaces.models
import leasing.venues.models  # noqa: F401
from leasing.db import Base
from propops.migrations import run_env

run_env(Base.metadata)
