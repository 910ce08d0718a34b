from propops.migrations import run_env
from propops.tasks.models import TasksBase

run_env(TasksBase.metadata)
