from propops.directory.models import DirectoryBase
from propops.migrations import run_env

run_env(DirectoryBase.metadata)
