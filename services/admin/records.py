"""Audit, routing and API keys in the admin.

The access log is for administrators only and never editable. Open311 keys are issued (shown
once), renamed and revoked through services, which write the key's history.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.audit import HistoryAdmin, ReadOnlyAdmin
from portal.roles import is_administrator
from services import services
from services.models import AccessLog, DefectRoute, Open311Key


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Who read which personal data when. Visible to administrators only, never editable."""

    list_display = ["at", "user", "action", "reference", "detail"]
    list_filter = ["action"]
    search_fields = ["reference", "user__email"]
    date_hierarchy = "at"

    def has_module_permission(self, request):
        return is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user)


@admin.register(DefectRoute)
class DefectRouteAdmin(HistoryAdmin):
    list_display = ["category", "department"]


class Open311KeyForm(forms.ModelForm):
    class Meta:
        model = Open311Key
        fields = ["name"]


@admin.register(Open311Key)
class Open311KeyAdmin(HistoryAdmin):
    """Issue keys (shown once) and revoke them; only the hash is stored."""

    list_display = ["name", "prefix", "created_at", "revoked_at"]
    form = Open311KeyForm
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return ["prefix", "created_at", "revoked_at"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            services.key_rename(key=obj, name=form.cleaned_data["name"], actor=request.user)
            return
        key, raw = services.key_create(name=form.cleaned_data["name"], actor=request.user)
        obj.pk = key.pk
        self.message_user(
            request,
            gettext("The new key is {key} – copy it now, it is not shown again.").format(key=raw),
            messages.WARNING,
        )

    def log_addition(self, request, obj, message):
        return None  # key_create writes the key's history

    def log_change(self, request, obj, message):
        return None  # key_rename writes the key's history

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        services.keys_revoke(keys=queryset, actor=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        return redirect(reverse("admin:services_open311key_changelist"))
