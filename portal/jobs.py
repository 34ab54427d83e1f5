"""Enqueue Celery tasks from services, by name, after the transaction commits.

Services sit below tasks (tasks call services), so a service never imports a tasks module: it
names the task here. With ``CELERY_TASK_ALWAYS_EAGER`` (development, tests) the task runs
in-process right after the commit; otherwise only its name and arguments go to the broker.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def job_enqueue(task_name: str, *args: Any, countdown: float | None = None) -> None:
    """Run the task ``task_name`` (dotted path, e.g. ``portal.tasks.mail_send``) with ``args``
    once the current transaction has committed (at once outside a transaction).

    The change is committed by then, so an unreachable broker is logged, not raised: the
    caller's rows say what is still to do, and the beat job of that work picks it up (the
    outbox's ``mail_dispatch``, the inbox's re-enqueue of stale batches).
    """
    transaction.on_commit(lambda: _job_send_logged(task_name, args, countdown))


def _job_send_logged(task_name: str, args: tuple, countdown: float | None) -> None:
    from portal.celery import app

    if app.conf.task_always_eager:
        job_send(task_name, *args, countdown=countdown)  # in-process: errors are the caller's
        return
    try:
        job_send(task_name, *args, countdown=countdown)
    except Exception:  # kombu raises its own OperationalError and plain OSErrors
        logger.exception("Could not enqueue %s%r; its beat job will pick it up.", task_name, args)


def job_send(task_name: str, *args: Any, countdown: float | None = None) -> None:
    """Send the task now (use ``job_enqueue`` inside transactions)."""
    from portal.celery import app

    if app.conf.task_always_eager:
        import_string(task_name).apply_async(args=args)
    else:
        app.send_task(task_name, args=args, countdown=countdown)
