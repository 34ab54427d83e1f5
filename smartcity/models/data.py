"""Readings, their hourly and daily rollups, and the ingest batches they arrive in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartcity.models.poles import Channel, Pole

if TYPE_CHECKING:
    pass


class Reading(models.Model):
    """One measured value. The key (channel, ts) makes a re-delivered reading one row.

    Storage: a plain table whose primary key *is* (channel, ts), so there is exactly one index
    and every chart query (one channel, a time range) is an index range scan. Partitioning by
    time was left out on purpose: retention deletes by (channel, ts < cutoff) through the same
    index, chart queries never span channels, and long ranges are answered from the rollups,
    which are kept forever. At the city's size (hundreds of channels, minute resolution,
    400 days: about 200 M rows) a single B-tree stays within a few levels; partitions by month
    can be attached later without changing any query here.

    The database keeps the foreign key on ``channel`` (an invariant in the database), but no
    separate index on it: the primary key starts with it. Dropping the key was measured
    (bench/README.md): the deferred check costs about three times a bare COPY (raw COPY of
    200,000 rows: ~170,000/s with the key, ~650,000/s without), yet the whole pipeline gained
    only about 10 % (71-77k/s -> 75-87k/s), because the limit is CPU for JSON parsing and the
    workers. Not worth orphaned readings after a raw-SQL delete. The worker still locks the
    batch's channel rows once per batch (``services._channels_lock``) and drops readings of a
    channel deleted in between, and ``services.channels_delete``/``poles_delete`` delete the
    readings explicitly.
    """

    pk = models.CompositePrimaryKey("channel", "ts")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, db_index=False)
    ts = models.DateTimeField(_("time"))
    value = models.FloatField(_("value"))

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")

    def __str__(self) -> str:
        return f"{self.channel_id} {self.ts:%Y-%m-%d %H:%M} {self.value}"


class Rollup(models.Model):
    """Min, max, sum and count of a channel's readings in a bucket; the mean is sum / count."""

    minimum = models.FloatField()
    maximum = models.FloatField()
    total = models.FloatField()
    count = models.PositiveIntegerField()

    class Meta:
        abstract = True

    @property
    def mean(self) -> float:
        return self.total / self.count


class HourlyRollup(Rollup):
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="hourly")
    hour = models.DateTimeField(_("hour (UTC)"))

    class Meta:
        verbose_name = _("hourly rollup")
        verbose_name_plural = _("hourly rollups")
        constraints = [
            models.UniqueConstraint(fields=["channel", "hour"], name="smartcity_hourly_unique")
        ]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.hour:%Y-%m-%d %H}h"


class DailyRollup(Rollup):
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="daily")
    day = models.DateField(_("day (UTC)"))

    class Meta:
        verbose_name = _("daily rollup")
        verbose_name_plural = _("daily rollups")
        constraints = [
            models.UniqueConstraint(fields=["channel", "day"], name="smartcity_daily_unique")
        ]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.day}"


class BatchKind(models.TextChoices):
    READINGS = "readings", _("Readings")
    EVENTS = "events", _("Events")


class BatchStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    DEAD = "dead", _("Dead letter")


class IngestBatch(models.Model):
    """The inbox: every accepted batch is stored here before the answer, Redis only carries ids."""

    pole = models.ForeignKey(
        Pole, on_delete=models.CASCADE, related_name="batches", verbose_name=_("pole")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=BatchKind.choices)
    source = models.CharField(_("source"), max_length=10, default="http")
    payload = models.JSONField(_("payload"))
    size = models.PositiveIntegerField(_("items"), default=0)
    conflicts = models.PositiveIntegerField(
        _("conflicting readings"),
        default=0,
        help_text=_(
            "Readings not stored because another value was already stored for their channel "
            "and time."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    leased_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ingest batch")
        verbose_name_plural = _("ingest batches")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(status="pending"),
                name="smartcity_batch_pending",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.pole_id} {self.kind} ({self.status})"
