"""Retention: raw readings are kept for SMARTCITY_RAW_RETENTION_DAYS, rollups for good."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from smartcity.models import Channel, Reading


def readings_purge(*, now: datetime | None = None) -> int:
    """Delete raw readings older than the retention; rollups are kept."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SMARTCITY_RAW_RETENTION_DAYS)
    deleted = 0
    for channel_id in Channel.objects.values_list("pk", flat=True):
        with transaction.atomic():
            deleted += Reading.objects.filter(channel_id=channel_id, ts__lt=cutoff).delete()[0]
    return deleted
