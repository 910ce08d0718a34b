from propops.messaging.models import MessagingBase
from propops.migrations import run_env

run_env(MessagingBase.metadata)
