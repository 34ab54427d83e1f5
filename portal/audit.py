"""Who changed what in the administration.

Configuration models keep their own history (``history = HistoricalRecords()``, written by
django-simple-history on every save, with the user from ``HistoryRequestMiddleware``); their
admins derive from ``HistoryAdmin``. Services that change state on a staff member's behalf
(admin actions such as revoking a key or re-sending an e-mail) record it in the admin's change
log with ``audit_record``, in the same transaction as the change. Both appear in the object's
"History" in the administration.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.options import get_content_type_for_model
from django.contrib.admin.utils import unquote
from django.db import models
from django.utils.translation import gettext as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from portal import roles


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


class ReadOnlyAdmin:
    """Mix into a ModelAdmin whose rows are a record (audit, outbox, published versions):
    nobody adds, changes or deletes them in the admin; actions of the admin still may."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoryAdmin(SimpleHistoryAdmin):
    """Admin of a configuration model: its "History" lists every saved version with the user,
    the time and each changed field (old -> new), then the model's change log entries.

    Only administrators read it (it names the staff behind every change); reverting is off
    (``SIMPLE_HISTORY_REVERT_DISABLED``): a change goes through the form and its rules.
    """

    object_history_template = "admin/history_with_change_log.html"
    object_history_list_template = "admin/history_list.html"

    def has_view_history_or_change_history_permission(self, request, obj=None):
        return roles.is_administrator(request.user)

    def history_view_title(self, request, obj):
        return _("History of “{object}”").format(object=obj)

    def history_view(self, request, object_id, extra_context=None):
        action_list = (
            LogEntry.objects.filter(
                object_id=unquote(object_id),
                content_type=get_content_type_for_model(self.model),
            )
            .select_related("user")
            .order_by("action_time")
        )
        context = {**(extra_context or {}), "action_list": action_list}
        return super().history_view(request, object_id, extra_context=context)


# ModelAdmin types object_history_template as a class variable, simple_history as an attribute.
class TranslatedHistoryAdmin(TranslationAdmin, HistoryAdmin):  # type: ignore[misc]
    """``HistoryAdmin`` of a model with German and English fields (its app's translation.py):
    editors see "name [de]" and "name [en]" side by side; an empty English field shows German."""


class TranslatedAdmin(TranslationAdmin):
    """Admin of a model with German and English fields but no history of its own."""


TranslatedStackedInline = TranslationStackedInline
