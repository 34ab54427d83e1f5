"""Smart City in the admin: the pole registry with token rotation, thresholds, alarms and the
inbox with its dead letters. Readings are not listed here (millions of rows); the operator
dashboards chart and export them."""

from __future__ import annotations

from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.audit import HistoryAdmin, TranslatedHistoryAdmin
from smartcity import services
from smartcity.models import (
    Alarm,
    BatchStatus,
    Channel,
    ChargingSession,
    DailyRollup,
    DeviceToken,
    HourlyRollup,
    IngestBatch,
    LampEvent,
    Pole,
    PoleGroup,
    Threshold,
)


class ChannelFormSet(BaseInlineFormSet):
    def delete_existing(self, obj, commit=True):
        if commit:  # with its readings, which have no database foreign key
            services.channels_delete(channels=Channel.objects.filter(pk=obj.pk))


class ChannelInline(admin.TabularInline):
    model = Channel
    formset = ChannelFormSet
    fields = ["key", "kind", "unit", "minimum", "maximum", "latest_value", "latest_ts"]
    readonly_fields = ["latest_value", "latest_ts"]
    extra = 0


class DeviceTokenInline(admin.TabularInline):
    model = DeviceToken
    fields = readonly_fields = ("prefix", "created_at", "revoked_at")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PoleGroup)
class PoleGroupAdmin(HistoryAdmin):
    """Which poles a project built: its page shows their live figures (by the group's slug)."""

    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Pole)
class PoleAdmin(HistoryAdmin):
    list_display = ["number", "name", "status", "address", "last_seen_at"]
    list_filter = ["status", "has_environment", "has_wifi"]
    search_fields = ["number", "name", "address"]
    readonly_fields = ["last_seen_at"]
    inlines = [ChannelInline, DeviceTokenInline]
    actions = ["rotate_token", "revoke_token", "create_channels"]

    def delete_model(self, request, obj):
        services.poles_delete(poles=Pole.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        services.poles_delete(poles=queryset)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:  # a new pole gets the channels of its capabilities and its first token
            services.channels_create_defaults(pole=obj)
            self._show_token(request, obj, services.pole_token_rotate(pole=obj, actor=request.user))

    def _show_token(self, request, pole, token: str) -> None:
        self.message_user(
            request,
            gettext("New token of {pole} (shown only now, copy it): {token}").format(
                pole=pole.number, token=token
            ),
            messages.WARNING,
        )

    @admin.action(description=_("Rotate the device token (shown once)"))
    def rotate_token(self, request, queryset):
        for pole in queryset:
            self._show_token(
                request, pole, services.pole_token_rotate(pole=pole, actor=request.user)
            )

    @admin.action(description=_("Revoke the device token"))
    def revoke_token(self, request, queryset):
        for pole in queryset:
            services.pole_token_revoke(pole=pole, actor=request.user)
        self.message_user(request, gettext("Tokens revoked."), messages.SUCCESS)

    @admin.action(description=_("Create the channels of the pole's capabilities"))
    def create_channels(self, request, queryset):
        for pole in queryset:
            services.channels_create_defaults(pole=pole, actor=request.user)
        self.message_user(request, gettext("Channels created."), messages.SUCCESS)


@admin.register(Threshold)
class ThresholdAdmin(TranslatedHistoryAdmin):
    list_display = ["name", "kind", "aggregate", "limit", "clear_level", "channel", "active"]
    list_filter = ["kind", "aggregate", "active"]
    raw_id_fields = ["channel"]


@admin.register(Alarm)
class AlarmAdmin(admin.ModelAdmin):
    list_display = ["pole", "kind", "message", "opened_at", "closed_at", "acknowledged_at"]
    list_filter = ["kind", ("closed_at", admin.EmptyFieldListFilter)]
    search_fields = ["pole__number", "message"]
    readonly_fields = [
        "pole",
        "kind",
        "condition",
        "channel",
        "threshold",
        "value",
        "message",
        "opened_at",
        "closed_at",
        "acknowledged_at",
        "acknowledged_by",
        "notified_at",
    ]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        services.alarm_acknowledge(alarm=obj, user=request.user, note=obj.note)


@admin.register(IngestBatch)
class IngestBatchAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "pole",
        "kind",
        "source",
        "size",
        "conflicts",
        "status",
        "attempts",
        "created_at",
    ]
    list_filter = ["status", "kind", "source"]
    readonly_fields = [f.name for f in IngestBatch._meta.fields]
    actions = ["requeue"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Process again (dead letters)"))
    def requeue(self, request, queryset):
        requeued = sum(
            services.batch_requeue(batch=batch, actor=request.user)
            for batch in queryset.exclude(status=BatchStatus.DONE)
        )
        self.message_user(
            request,
            gettext("{n} batches queued again.").format(n=requeued),
            messages.SUCCESS,
        )


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ChargingSession)
class ChargingSessionAdmin(_ReadOnly):
    list_display = ["pole", "connector", "session_id", "started_at", "ended_at", "energy_kwh"]
    list_filter = ["pole"]


@admin.register(LampEvent)
class LampEventAdmin(_ReadOnly):
    list_display = ["pole", "ts", "state", "level", "detail"]
    list_filter = ["state", "pole"]


@admin.register(HourlyRollup)
class HourlyRollupAdmin(_ReadOnly):
    list_display = ["channel", "hour", "minimum", "maximum", "count"]
    list_select_related = ["channel__pole"]


@admin.register(DailyRollup)
class DailyRollupAdmin(_ReadOnly):
    list_display = ["channel", "day", "minimum", "maximum", "count"]
    list_select_related = ["channel__pole"]
