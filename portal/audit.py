"""The history of staff changes outside a model's own history: the admin's change log.

Services that change state on a staff member's behalf (admin actions such as revoking a key or
re-sending an e-mail) record it here, in the same transaction as the change. The entries appear
in the object's "History" in the administration.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import models


def audit_record(*, actor: Any, obj: models.Model, message: str) -> LogEntry | None:
    """Write one change-log entry: who (``actor``) did what (``message``) to ``obj``.

    Without an authenticated actor (a beat job, a management command) nothing is written: the
    object's own fields say when it changed.
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=[obj],
        action_flag=CHANGE,
        change_message=message,
        single_object=True,
    )
