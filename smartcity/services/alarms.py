"""Alarms: thresholds with hysteresis, lamp faults, offline poles, acknowledgements, and the
operators' alarm e-mail (through the outbox)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.mail import absolute_url, mail_queue
from smartcity import selectors
from smartcity.models import (
    Aggregate,
    Alarm,
    AlarmKind,
    Channel,
    DailyRollup,
    HourlyRollup,
    LampEvent,
    LampState,
    Pole,
    PoleStatus,
    Threshold,
)
from smartcity.services.rollups import hour_start

ALARM_MAIL_BATCH = 200


def _alarm_open(*, pole_id: int, kind: str, condition: str, message: str, **extra) -> None:
    # The partial unique constraint allows one open alarm per condition; a concurrent second
    # insert is ignored rather than raised.
    Alarm.objects.bulk_create(
        [Alarm(pole_id=pole_id, kind=kind, condition=condition, message=message[:300], **extra)],
        ignore_conflicts=True,
    )


def _aggregate_value(threshold: Threshold, channel: Channel) -> float | None:
    if channel.latest_ts is None:
        return None
    if threshold.aggregate == Aggregate.LATEST:
        return channel.latest_value
    if threshold.aggregate == Aggregate.HOURLY_MEAN:
        hourly = HourlyRollup.objects.filter(
            channel=channel, hour=hour_start(channel.latest_ts)
        ).first()
        return hourly.mean if hourly else None
    if threshold.aggregate == Aggregate.DAILY_MEAN:
        daily = DailyRollup.objects.filter(
            channel=channel, day=channel.latest_ts.astimezone(UTC).date()
        ).first()
        return daily.mean if daily else None
    since = channel.latest_ts.astimezone(UTC).date() - timedelta(days=365)
    sums = DailyRollup.objects.filter(channel=channel, day__gt=since).aggregate(
        total=Sum("total"), n=Sum("count")
    )
    return sums["total"] / sums["n"] if sums["n"] else None


def thresholds_evaluate(*, channel_ids: list[int]) -> None:
    """Open an alarm above a limit, close it at or below the clear level (hysteresis)."""
    channels = list(Channel.objects.filter(pk__in=channel_ids).select_related("pole"))
    kinds = {c.kind for c in channels}
    thresholds = list(
        Threshold.objects.filter(active=True, kind__in=kinds).filter(
            Q(channel__isnull=True) | Q(channel_id__in=channel_ids)
        )
    )
    if not thresholds:
        return
    open_conditions = set(
        Alarm.objects.open()
        .filter(pole_id__in={c.pole_id for c in channels}, kind=AlarmKind.THRESHOLD)
        .values_list("condition", flat=True)
    )
    for channel in channels:
        for threshold in thresholds:
            if threshold.kind != channel.kind or threshold.channel_id not in (None, channel.pk):
                continue
            value = _aggregate_value(threshold, channel)
            if value is None:
                continue
            condition = f"threshold:{threshold.pk}:{channel.pk}"
            if value > threshold.limit and condition not in open_conditions:
                _alarm_open(
                    pole_id=channel.pole_id,
                    kind=AlarmKind.THRESHOLD,
                    condition=condition,
                    channel=channel,
                    threshold=threshold,
                    value=value,
                    message=_("{name}: {value:.1f} {unit} above {limit:g} {unit}").format(
                        name=threshold.name,
                        value=value,
                        unit=channel.unit,
                        limit=threshold.limit,
                    ),
                )
            elif value <= threshold.clear_level and condition in open_conditions:
                Alarm.objects.open().filter(pole_id=channel.pole_id, condition=condition).update(
                    closed_at=timezone.now(), value=value
                )


def poles_detect_offline(*, now: datetime | None = None) -> int:
    """Beat: an active pole with no data for SMARTCITY_OFFLINE_MINUTES gets an offline alarm."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.SMARTCITY_OFFLINE_MINUTES)
    silent = Pole.objects.filter(status=PoleStatus.ACTIVE, last_seen_at__lt=cutoff)
    opened = 0
    with transaction.atomic():
        for pole in silent:
            if not Alarm.objects.open().filter(pole=pole, condition="offline").exists():
                _alarm_open(
                    pole_id=pole.pk,
                    kind=AlarmKind.OFFLINE,
                    condition="offline",
                    message=_("No data for more than {minutes} minutes.").format(
                        minutes=settings.SMARTCITY_OFFLINE_MINUTES
                    ),
                    opened_at=now,
                )
                opened += 1
        Alarm.objects.open().filter(condition="offline").exclude(
            pole__in=silent.values("pk")
        ).update(closed_at=now)
    return opened


def lamp_alarm_update(*, pole: Pole) -> None:
    latest = LampEvent.objects.filter(pole=pole).order_by("-ts").first()
    if latest is None:
        return
    if latest.state == LampState.FAULT:
        _alarm_open(
            pole_id=pole.pk,
            kind=AlarmKind.LAMP_FAULT,
            condition="lamp_fault",
            message=_("Lamp fault: {detail}").format(detail=latest.detail or "-"),
        )
    else:
        Alarm.objects.open().filter(pole=pole, condition="lamp_fault").update(
            closed_at=timezone.now()
        )


def alarm_acknowledge(*, alarm: Alarm, user, note: str) -> Alarm:
    with transaction.atomic():
        alarm.acknowledged_at = timezone.now()
        alarm.acknowledged_by = user
        alarm.note = note.strip()[:2000]
        alarm.full_clean()
        alarm.save(update_fields=["acknowledged_at", "acknowledged_by", "note"])
    return alarm


def alarms_notify(*, now: datetime | None = None) -> int:
    """Beat: e-mail operators about new alarms, at most once per SMARTCITY_ALARM_MAIL_MINUTES.

    Idempotent: the alarms are claimed by setting ``notified_at`` and their e-mails are put in
    the outbox in the same transaction, so each alarm is in exactly one e-mail per operator, and
    a refused send is tried again by the outbox instead of being lost. The key names the batch
    by its smallest and largest alarm id (an alarm is claimed once, so no two batches share one).
    """
    now = now or timezone.now()
    recent = now - timedelta(minutes=settings.SMARTCITY_ALARM_MAIL_MINUTES)
    if Alarm.objects.filter(notified_at__gt=recent).exists():
        return 0
    with transaction.atomic():
        pending = list(
            Alarm.objects.open()
            .filter(notified_at__isnull=True)
            .select_for_update(skip_locked=True)
            .select_related("pole")[:ALARM_MAIL_BATCH]
        )
        if not pending:
            return 0
        ids = sorted(a.pk for a in pending)
        Alarm.objects.filter(pk__in=ids).update(notified_at=now)
        subject = _("Smart City: {n} new alarms").format(n=len(pending))
        lines = [f"- {a.pole.number} {a.pole.name}: {a.message}" for a in pending]
        with translation.override(settings.LANGUAGE_CODE):  # the link as it always was
            link = absolute_url(reverse("smartcity:alarms"))
        body = "\n".join([*lines, "", link])
        for user_id, email in selectors.operators_to_notify():
            mail_queue(
                key=f"smartcity.alarms:{ids[0]}-{ids[-1]}:user:{user_id}",
                to=email,
                subject=subject,
                body=body,
            )
    return len(pending)
