import propops.references  # noqa: F401  (its counter table is in the shared history)
from propops.messaging.models import MessagingBase
from propops.migrations import run_env

run_env(MessagingBase.metadata)
