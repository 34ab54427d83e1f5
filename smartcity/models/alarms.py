"""Thresholds and the alarms they open, charging sessions and lamp events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from smartcity.models.poles import Channel, ChannelKind, Pole

if TYPE_CHECKING:
    pass


class Aggregate(models.TextChoices):
    LATEST = "latest", _("Each value")
    HOURLY_MEAN = "hourly_mean", _("Hourly mean")
    DAILY_MEAN = "daily_mean", _("Daily mean")
    YEARLY_MEAN = "yearly_mean", _("Yearly mean")


class Threshold(models.Model):
    """An upper limit for a kind of channel (or one channel). Hysteresis: the alarm opens above
    ``limit`` and closes only at or below ``clear_level``, so values around the limit do not
    flap."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=ChannelKind.choices)
    channel = models.ForeignKey(
        Channel,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="thresholds",
        verbose_name=_("only this channel"),
    )
    aggregate = models.CharField(
        _("compared value"), max_length=20, choices=Aggregate.choices, default=Aggregate.LATEST
    )
    limit = models.FloatField(_("limit"))
    clear_level = models.FloatField(_("clears at or below"))
    active = models.BooleanField(_("active"), default=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "limit"]
        verbose_name = _("threshold")
        verbose_name_plural = _("thresholds")
        constraints = [
            models.CheckConstraint(
                condition=Q(clear_level__lte=models.F("limit")),
                name="smartcity_threshold_hysteresis",
            )
        ]

    def __str__(self) -> str:
        return self.name


class AlarmKind(models.TextChoices):
    THRESHOLD = "threshold", _("Limit exceeded")
    LAMP_FAULT = "lamp_fault", _("Lamp fault")
    OFFLINE = "offline", _("Pole offline")


class AlarmQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)


class Alarm(models.Model):
    pole = models.ForeignKey(
        Pole, on_delete=models.CASCADE, related_name="alarms", verbose_name=_("pole")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AlarmKind.choices)
    # What condition this is: one open alarm per pole and condition (see the constraint).
    condition = models.CharField(_("condition"), max_length=60)
    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("channel")
    )
    threshold = models.ForeignKey(
        Threshold, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("threshold")
    )
    value = models.FloatField(_("value"), null=True, blank=True)
    message = models.CharField(_("message"), max_length=300)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    notified_at = models.DateTimeField(_("operators notified"), null=True, blank=True)

    objects = AlarmQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        constraints = [
            models.UniqueConstraint(
                fields=["pole", "condition"],
                condition=Q(closed_at__isnull=True),
                name="smartcity_one_open_alarm_per_condition",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pole.number}: {self.message}"


class ChargingSession(models.Model):
    pole = models.ForeignKey(
        Pole, on_delete=models.CASCADE, related_name="charging_sessions", verbose_name=_("pole")
    )
    connector = models.PositiveSmallIntegerField(_("connector"))
    session_id = models.CharField(_("session"), max_length=64)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    energy_kwh = models.FloatField(_("energy (kWh)"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("charging session")
        verbose_name_plural = _("charging sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["pole", "session_id"], name="smartcity_charging_session_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pole_id}/{self.connector} {self.session_id}"


class LampState(models.TextChoices):
    ON = "on", _("On")
    OFF = "off", _("Off")
    DIMMED = "dimmed", _("Dimmed")
    FAULT = "fault", _("Fault")


class LampEvent(models.Model):
    pole = models.ForeignKey(
        Pole, on_delete=models.CASCADE, related_name="lamp_events", verbose_name=_("pole")
    )
    ts = models.DateTimeField(_("time"))
    state = models.CharField(_("state"), max_length=10, choices=LampState.choices)
    level = models.PositiveSmallIntegerField(_("level (%)"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        ordering = ["-ts"]
        verbose_name = _("lamp event")
        verbose_name_plural = _("lamp events")
        constraints = [
            models.UniqueConstraint(fields=["pole", "ts", "state"], name="smartcity_lamp_unique")
        ]

    def __str__(self) -> str:
        return f"{self.pole_id} {self.ts:%Y-%m-%d %H:%M} {self.state}"
