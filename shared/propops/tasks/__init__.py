"""Department tasks, written once and switched on per service (``task_feature``).

The front desk dispatches a complaint to a department by event; the department makes a task of
it (engineering calls it a work order); staff assign, start and complete it; each change goes
back out as a ``TaskChanged`` event. A department's own records ask for work too
(``create_task``, ``generated.py``); each task has a work ``kind`` (``TASK_KINDS``).
``service.py`` holds the rules and documents their choices.
"""

from propops.tasks.feature import TASKS_SCRIPTS, TASKS_VERSION_TABLE, task_feature
from propops.tasks.generated import NewTask, cancel_by_source, create_task, reopen_by_source
from propops.tasks.models import TASK_KINDS

__all__ = [
    "TASKS_SCRIPTS",
    "TASKS_VERSION_TABLE",
    "TASK_KINDS",
    "NewTask",
    "cancel_by_source",
    "create_task",
    "reopen_by_source",
    "task_feature",
]
