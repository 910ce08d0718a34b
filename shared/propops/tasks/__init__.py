"""Department tasks, written once and switched on per service (``task_feature``).

The front desk dispatches a complaint to a department by event; the department makes a task of
it (engineering calls it a work order); staff assign, start and complete it; each change goes
back out as a ``TaskChanged`` event. ``service.py`` holds the rules and documents their choices.
"""

from propops.tasks.feature import TASKS_SCRIPTS, TASKS_VERSION_TABLE, task_feature

__all__ = ["TASKS_SCRIPTS", "TASKS_VERSION_TABLE", "task_feature"]
