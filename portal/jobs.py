"""Enqueue Celery tasks from services, by name, after the transaction commits.

Services sit below tasks (tasks call services), so a service never imports a tasks module: it
names the task here. With ``CELERY_TASK_ALWAYS_EAGER`` (development, tests) the task runs
in-process right after the commit; otherwise only its name and arguments go to the broker.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string


def job_enqueue(task_name: str, *args: Any, countdown: float | None = None) -> None:
    """Run the task ``task_name`` (dotted path, e.g. ``portal.tasks.mail_send``) with ``args``
    once the current transaction has committed (at once outside a transaction)."""
    transaction.on_commit(lambda: job_send(task_name, *args, countdown=countdown))


def job_send(task_name: str, *args: Any, countdown: float | None = None) -> None:
    """Send the task now (use ``job_enqueue`` inside transactions)."""
    from portal.celery import app

    if app.conf.task_always_eager:
        import_string(task_name).apply_async(args=args)
    else:
        app.send_task(task_name, args=args, countdown=countdown)
