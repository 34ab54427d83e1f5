"""Every write of Smart City: tokens, the inbox, the worker's batch processing, rollups, alarms.

The pipeline: ``readings_ingest``/``events_ingest`` check a body and store the accepted part as
one ``IngestBatch`` (the inbox, in PostgreSQL), then enqueue only its id after commit.
``batch_process`` claims a batch atomically, writes its readings with ``readings_store`` (binary
COPY on PostgreSQL, a conflict-ignoring insert elsewhere), then updates latest values, rollups
and alarms and marks the batch done. Every step is idempotent: a batch processed twice, or
readings sent twice, leave the same rows.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Role
from smartcity import ingest
from smartcity.models import (
    KINDS,
    Aggregate,
    Alarm,
    AlarmKind,
    BatchKind,
    BatchStatus,
    Channel,
    ChargingSession,
    DailyRollup,
    DeviceToken,
    HourlyRollup,
    IngestBatch,
    LampEvent,
    LampState,
    Pole,
    PoleStatus,
    Reading,
    Threshold,
    hash_token,
    mosquitto_hash,
)

logger = logging.getLogger(__name__)

Row = tuple[int, datetime, float]


# --- Registry ------------------------------------------------------------------------------------


def pole_token_rotate(*, pole: Pole) -> str:
    """Revoke the pole's token (if any) and make a new one. The token is returned only here."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        DeviceToken.objects.filter(pole=pole, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        DeviceToken.objects.create(
            pole=pole,
            token_hash=hash_token(token),
            prefix=token[:6],
            mqtt_hash=mosquitto_hash(token),
        )
    return token


def pole_token_revoke(*, pole: Pole) -> int:
    with transaction.atomic():
        return DeviceToken.objects.filter(pole=pole, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )


def channels_create_defaults(*, pole: Pole) -> list[Channel]:
    """Give a pole the channels its capabilities imply (idempotent)."""
    from smartcity.models import ENVIRONMENT_KINDS, ChannelKind

    kinds: list[str] = []
    if pole.has_light:
        kinds += [ChannelKind.LIGHT_LEVEL, ChannelKind.LAMP_POWER]
    if pole.has_environment:
        kinds += ENVIRONMENT_KINDS
    if pole.has_charger:
        kinds += [ChannelKind.CHARGER_POWER, ChannelKind.ENERGY]
    if pole.has_wifi:
        kinds += [ChannelKind.WIFI_CLIENTS]
    channels = []
    with transaction.atomic():
        for kind in kinds:
            info = KINDS[kind]
            channel, _created = Channel.objects.get_or_create(
                pole=pole,
                key=str(kind),
                defaults={
                    "kind": kind,
                    "unit": info.unit,
                    "minimum": info.minimum,
                    "maximum": info.maximum,
                },
            )
            channels.append(channel)
    return channels


# --- Inbox ---------------------------------------------------------------------------------------


@dataclass
class IngestResult:
    batch_id: int | None
    accepted: int
    rejected: list[dict]

    def as_json(self) -> dict:
        return {"accepted": self.accepted, "rejected": self.rejected}


def _inbox_write(*, pole: Pole, kind: str, items: list, source: str) -> int | None:
    if not items:
        return None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A database that cannot take the batch answers quickly (503), it does not hang.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET LOCAL lock_timeout = %s",
                    [f"{settings.SMARTCITY_INBOX_TIMEOUT_MS}ms"],
                )
        batch = IngestBatch.objects.create(
            pole=pole, kind=kind, source=source, payload={kind: items}, size=len(items)
        )
        transaction.on_commit(lambda: _enqueue(batch.pk))
    return batch.pk


def _enqueue(batch_id: int) -> None:
    from smartcity.tasks import process_batch

    try:
        process_batch.delay(batch_id)
    except Exception:
        # The batch is safe in the inbox; the beat task re-enqueues it.
        logger.exception("Could not enqueue batch %s; the beat task will retry.", batch_id)


def readings_ingest(*, pole: Pole, body: object, source: str = "http") -> IngestResult:
    """Check a readings body, store the accepted part in the inbox (raises PayloadError)."""
    parsed = ingest.parse_readings(body, pole=pole, now=timezone.now())
    batch_id = _inbox_write(
        pole=pole, kind=BatchKind.READINGS, items=parsed.accepted, source=source
    )
    return IngestResult(batch_id, len(parsed.accepted), parsed.rejected)


def events_ingest(*, pole: Pole, body: object, source: str = "http") -> IngestResult:
    parsed = ingest.parse_events(body, pole=pole, now=timezone.now())
    batch_id = _inbox_write(pole=pole, kind=BatchKind.EVENTS, items=parsed.accepted, source=source)
    return IngestResult(batch_id, len(parsed.accepted), parsed.rejected)


# --- Worker --------------------------------------------------------------------------------------


def batch_process(*, batch_id: int) -> bool:
    """Process one inbox batch. Returns False if it was done, dead or claimed by another worker.

    Idempotent by an atomic claim (a lease on the row) and by the readings' key: a batch that is
    processed again after a crash writes no second row.
    """
    now = timezone.now()
    lease = now + timedelta(seconds=settings.SMARTCITY_BATCH_LEASE_SECONDS)
    claimed = (
        IngestBatch.objects.filter(pk=batch_id, status=BatchStatus.PENDING)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .update(leased_until=lease, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    batch = IngestBatch.objects.select_related("pole").get(pk=batch_id)
    try:
        # The batch's writes and its "done" mark commit together: a crash leaves it pending.
        with transaction.atomic():
            if batch.kind == BatchKind.READINGS:
                times: dict[str, datetime] = {}
                rows = []
                for c, t, v in batch.payload["readings"]:
                    ts = times.get(t)
                    if ts is None:
                        ts = times[t] = datetime.fromisoformat(t)
                    rows.append((c, ts, v))
                readings_apply(rows=rows)
            else:
                events_apply(pole=batch.pole, events=batch.payload["events"])
            IngestBatch.objects.filter(pk=batch_id).update(
                status=BatchStatus.DONE, processed_at=timezone.now(), leased_until=None, error=""
            )
    except Exception as exc:
        logger.exception("Batch %s failed (attempt %s).", batch_id, batch.attempts)
        dead = batch.attempts >= settings.SMARTCITY_MAX_ATTEMPTS
        IngestBatch.objects.filter(pk=batch_id).update(
            status=BatchStatus.DEAD if dead else BatchStatus.PENDING,
            leased_until=None,
            error=repr(exc)[:2000],
        )
        if not dead:
            raise
        return False
    return True


def batch_requeue(*, batch: IngestBatch) -> None:
    """Give a dead batch another chance (admin action)."""
    with transaction.atomic():
        IngestBatch.objects.filter(pk=batch.pk).exclude(status=BatchStatus.DONE).update(
            status=BatchStatus.PENDING, attempts=0, leased_until=None, error=""
        )
        transaction.on_commit(lambda: _enqueue(batch.pk))


def batches_requeue_stale(*, now: datetime | None = None) -> list[int]:
    """Beat: enqueue again every pending batch older than a few minutes and not claimed.

    Redis is not the record; a broker restart loses queued ids, this finds their batches.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.SMARTCITY_REQUEUE_AFTER_SECONDS)
    ids = list(
        IngestBatch.objects.filter(status=BatchStatus.PENDING, created_at__lte=cutoff)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:5000]
    )
    for batch_id in ids:
        _enqueue(batch_id)
    return ids


# --- Writing readings ----------------------------------------------------------------------------


def readings_store(*, rows: list[Row]) -> bool:
    """Write readings so that the same (channel, ts) twice is one row.

    PostgreSQL: binary COPY straight into the keyed table in its own transaction or savepoint
    (the fastest honest path); only if that reports a duplicate key, COPY into a temporary
    staging table and INSERT ... ON CONFLICT DO NOTHING. Other databases: a conflict-ignoring
    bulk insert. Returns True only if every row is known to be new (the plain COPY succeeded).
    """
    if not rows:
        return True
    if connection.vendor == "sqlite":
        adapt = connection.ops.adapt_datetimefield_value
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT OR IGNORE INTO {Reading._meta.db_table} (channel_id, ts, value) "  # noqa: S608
                "VALUES (%s, %s, %s)",
                [(c, adapt(t), v) for c, t, v in rows],
            )
        return False
    if connection.vendor != "postgresql":
        with transaction.atomic():
            Reading.objects.bulk_create(
                [Reading(channel_id=c, ts=t, value=v) for c, t, v in rows],
                ignore_conflicts=True,
                batch_size=500,
            )
        return False
    import psycopg

    table = Reading._meta.db_table
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            _copy(cursor.cursor, table, rows)
        return True
    except psycopg.errors.UniqueViolation:
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor
            raw.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS smartcity_reading_stage "
                f"(LIKE {table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
            )
            _copy(raw, "smartcity_reading_stage", rows)
            raw.execute(
                f"INSERT INTO {table} (channel_id, ts, value) "  # noqa: S608
                "SELECT channel_id, ts, value FROM smartcity_reading_stage "
                "ON CONFLICT (channel_id, ts) DO NOTHING"
            )
    return False


def _copy(raw_cursor, table: str, rows: list[Row]) -> None:
    with raw_cursor.copy(
        f"COPY {table} (channel_id, ts, value) FROM STDIN (FORMAT BINARY)"
    ) as copy:
        copy.set_types(["int8", "timestamptz", "float8"])
        for row in rows:
            copy.write_row(row)


def readings_apply(*, rows: list[Row], evaluate: bool = True) -> None:
    """Store readings, then update latest values, last seen, rollups and alarms.

    One transaction. On PostgreSQL it first takes a transaction-level advisory lock on each
    channel, so two workers never write the same channel's readings and rollups at once; that
    makes it safe to add a batch of only new readings to the hourly rollups incrementally
    instead of aggregating the touched hours again from the raw table.
    """
    unique: dict[tuple[int, datetime], float] = {}
    for channel_id, ts, value in rows:
        unique.setdefault((int(channel_id), ts), float(value))
    if not unique:
        return
    rows = [(c, t, v) for (c, t), v in unique.items()]
    latest: dict[int, tuple[datetime, float]] = {}
    span: dict[int, tuple[datetime, datetime]] = {}
    for channel_id, ts, value in rows:
        seen = latest.get(channel_id)
        if seen is None:
            latest[channel_id] = (ts, value)
            span[channel_id] = (ts, ts)
            continue
        first, last = span[channel_id]
        if ts > last:
            latest[channel_id] = (ts, value)
            span[channel_id] = (first, ts)
        elif ts < first:
            span[channel_id] = (ts, last)
    with transaction.atomic():
        existing = _channels_lock(sorted(latest))
        if len(existing) < len(latest):  # deleted since the batch was accepted: drop them
            rows = [row for row in rows if row[0] in existing]
            latest = {c: v for c, v in latest.items() if c in existing}
            span = {c: v for c, v in span.items() if c in existing}
            if not rows:
                return
        fresh = readings_store(rows=rows)
        _latest_update(latest)
        newest = max(ts for ts, _v in latest.values())
        pole_ids = set(
            Channel.objects.filter(pk__in=latest).values_list("pole_id", flat=True).distinct()
        )
        Pole.objects.filter(pk__in=pole_ids).filter(
            Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=newest)
        ).update(last_seen_at=newest)
        Alarm.objects.open().filter(pole_id__in=pole_ids, condition="offline").update(
            closed_at=timezone.now()
        )
        if fresh and connection.vendor == "postgresql":
            _hourly_add(rows)
            _daily_refresh(spans=span)
        else:
            rollups_refresh(spans=span)
        if evaluate:
            thresholds_evaluate(channel_ids=list(latest))


def _channels_lock(channel_ids: list[int]) -> set[int]:
    """Lock the channels' rows (in id order, so workers cannot deadlock) and return the ids
    that exist.

    This replaces the readings' database foreign key (see ``Reading``): one row lock per
    channel and batch instead of one key check per reading. ``FOR NO KEY UPDATE`` makes two
    workers writing the same channel take turns (so the incremental rollups are exact) and makes
    ``channels_delete`` wait until a batch being written is committed, and vice versa.
    """
    if connection.vendor != "postgresql":  # SQLite: one writer at a time anyway
        return set(Channel.objects.filter(pk__in=channel_ids).values_list("pk", flat=True))
    table = Channel._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE",  # noqa: S608
            [channel_ids],
        )
        return {row[0] for row in cursor.fetchall()}


def channels_delete(*, channels) -> int:
    """Delete channels with their readings, rollups and alarms (the admin's only way).

    The readings table has no database foreign key, so the channel rows are locked first: a
    worker writing one of these channels finishes (its readings are then deleted here) or waits
    and then finds the channel gone (and drops its readings).
    """
    with transaction.atomic():
        ids = list(
            Channel.objects.filter(pk__in=channels.values("pk"))
            .select_for_update()
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Reading.objects.filter(channel_id__in=ids).delete()
        return Channel.objects.filter(pk__in=ids).delete()[0]


def poles_delete(*, poles) -> int:
    """Delete poles with their channels (see ``channels_delete``) and everything else of them."""
    with transaction.atomic():
        channels_delete(channels=Channel.objects.filter(pole__in=poles))
        return poles.delete()[0]


def _latest_update(latest: dict[int, tuple[datetime, float]]) -> None:
    """Set each channel's latest value unless it already has a newer one (late readings)."""
    if connection.vendor == "postgresql":
        table = Channel._meta.db_table
        values = ", ".join(["(%s, %s::timestamptz, %s::float8)"] * len(latest))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS c SET latest_ts = v.ts, latest_value = v.value "  # noqa: S608
                f"FROM (VALUES {values}) AS v (id, ts, value) WHERE c.id = v.id "
                "AND (c.latest_ts IS NULL OR c.latest_ts < v.ts)",
                [x for channel_id, (ts, value) in latest.items() for x in (channel_id, ts, value)],
            )
        return
    for channel_id, (ts, value) in latest.items():
        Channel.objects.filter(pk=channel_id).filter(
            Q(latest_ts__isnull=True) | Q(latest_ts__lt=ts)
        ).update(latest_value=value, latest_ts=ts)


def _hour(ts: datetime) -> datetime:
    return ts.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


_BUCKET_SQL = {
    "postgresql": (
        "date_trunc('hour', ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'",
        "(hour AT TIME ZONE 'UTC')::date",
    ),
    "sqlite": ("strftime('%%Y-%%m-%%d %%H:00:00', ts)", "date(hour)"),
}


def _bounds(spans: dict[int, tuple[datetime, datetime]]) -> tuple[datetime, datetime]:
    start = min(_hour(first) for first, _last in spans.values())
    end = max(_hour(last) for _first, last in spans.values()) + timedelta(hours=1)
    return start, end


def rollups_refresh(*, spans: dict[int, tuple[datetime, datetime]]) -> None:
    """Recompute the hourly and daily rollups of the hours and days these readings touched.

    One INSERT ... SELECT ... GROUP BY ... ON CONFLICT DO UPDATE per table, straight from the
    raw readings (hourly) and the hourly rollups (daily), so a re-delivered or late reading
    gives the same result as the first.
    """
    if not spans:
        return
    start, end = _bounds(spans)
    channel_ids = sorted(spans)
    if connection.vendor not in _BUCKET_SQL:
        raise NotImplementedError("Smart City supports PostgreSQL and SQLite.")
    hour_sql, _day_sql = _BUCKET_SQL[connection.vendor]
    marks = ", ".join(["%s"] * len(channel_ids))
    hourly = HourlyRollup._meta.db_table
    reading = Reading._meta.db_table
    adapt = connection.ops.adapt_datetimefield_value
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {hourly} (channel_id, hour, minimum, maximum, total, count) "  # noqa: S608
            f"SELECT channel_id, {hour_sql}, MIN(value), MAX(value), SUM(value), COUNT(*) "
            f"FROM {reading} WHERE channel_id IN ({marks}) AND ts >= %s AND ts < %s "
            f"GROUP BY channel_id, {hour_sql} "
            "ON CONFLICT (channel_id, hour) DO UPDATE SET minimum = excluded.minimum, "
            "maximum = excluded.maximum, total = excluded.total, count = excluded.count",
            [*channel_ids, adapt(start), adapt(end)],
        )
        _daily_refresh(spans=spans)


def _hourly_add(rows: list[Row]) -> None:
    """Add readings that are all new to the hourly rollups (PostgreSQL, under the channel
    locks of ``readings_apply``): one upsert of the batch's own per-hour min, max, sum, count."""
    hours: dict[datetime, datetime] = {}
    buckets: dict[tuple[int, datetime], list] = {}
    for channel_id, ts, value in rows:
        hour = hours.get(ts)
        if hour is None:
            hour = hours[ts] = _hour(ts)
        bucket = buckets.get((channel_id, hour))
        if bucket is None:
            buckets[(channel_id, hour)] = [value, value, value, 1]
        else:
            if value < bucket[0]:
                bucket[0] = value
            if value > bucket[1]:
                bucket[1] = value
            bucket[2] += value
            bucket[3] += 1
    hourly = HourlyRollup._meta.db_table
    values = ", ".join(
        ["(%s, %s::timestamptz, %s::float8, %s::float8, %s::float8, %s)"] * len(buckets)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {hourly} AS h (channel_id, hour, minimum, maximum, total, count) "  # noqa: S608
            f"VALUES {values} ON CONFLICT (channel_id, hour) DO UPDATE SET "
            "minimum = LEAST(h.minimum, excluded.minimum), "
            "maximum = GREATEST(h.maximum, excluded.maximum), "
            "total = h.total + excluded.total, count = h.count + excluded.count",
            [
                x
                for (c, hour), (lo, hi, total, n) in buckets.items()
                for x in (c, hour, lo, hi, total, n)
            ],
        )


def _daily_refresh(*, spans: dict[int, tuple[datetime, datetime]]) -> None:
    """Recompute the daily rollups of the days these spans touched from the hourly ones."""
    start, end = _bounds(spans)
    day_start = datetime.combine(start.date(), datetime.min.time(), tzinfo=UTC)
    day_end = datetime.combine(end.date(), datetime.min.time(), tzinfo=UTC) + timedelta(days=1)
    channel_ids = sorted(spans)
    _hour_sql, day_sql = _BUCKET_SQL[connection.vendor]
    marks = ", ".join(["%s"] * len(channel_ids))
    hourly, daily = HourlyRollup._meta.db_table, DailyRollup._meta.db_table
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {daily} (channel_id, day, minimum, maximum, total, count) "  # noqa: S608
            f"SELECT channel_id, {day_sql}, MIN(minimum), MAX(maximum), SUM(total), SUM(count) "
            f"FROM {hourly} WHERE channel_id IN ({marks}) AND hour >= %s AND hour < %s "
            f"GROUP BY channel_id, {day_sql} "
            "ON CONFLICT (channel_id, day) DO UPDATE SET minimum = excluded.minimum, "
            "maximum = excluded.maximum, total = excluded.total, count = excluded.count",
            [*channel_ids, adapt(day_start), adapt(day_end)],
        )


def readings_purge(*, now: datetime | None = None) -> int:
    """Delete raw readings older than the retention; rollups are kept."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SMARTCITY_RAW_RETENTION_DAYS)
    deleted = 0
    for channel_id in Channel.objects.values_list("pk", flat=True):
        with transaction.atomic():
            deleted += Reading.objects.filter(channel_id=channel_id, ts__lt=cutoff).delete()[0]
    return deleted


# --- Events --------------------------------------------------------------------------------------


def events_apply(*, pole: Pole, events: list[dict]) -> None:
    rows: list[Row] = []
    lamp_events = []
    with transaction.atomic():
        for event in events:
            ts = datetime.fromisoformat(event["ts"])
            if "reading" in event:
                rows.append((event["reading"][0], ts, event["reading"][1]))
            if "meter" in event:
                rows.append((event["meter"][0], ts, event["meter"][1]))
            if event["type"] == "charging_start":
                session, created = ChargingSession.objects.get_or_create(
                    pole=pole,
                    session_id=event["session"],
                    defaults={"connector": event["connector"], "started_at": ts},
                )
                if not created and ts < session.started_at:
                    session.started_at = ts
                    session.save(update_fields=["started_at"])
            elif event["type"] == "charging_stop":
                session, created = ChargingSession.objects.get_or_create(
                    pole=pole,
                    session_id=event["session"],
                    defaults={
                        "connector": event["connector"],
                        "started_at": ts,
                        "ended_at": ts,
                        "energy_kwh": event.get("energy_kwh"),
                    },
                )
                if not created:
                    session.ended_at = ts
                    session.energy_kwh = event.get("energy_kwh")
                    session.save(update_fields=["ended_at", "energy_kwh"])
            elif event["type"] == "lamp":
                lamp_events.append(
                    LampEvent(
                        pole=pole,
                        ts=ts,
                        state=event["state"],
                        level=event.get("level"),
                        detail=event.get("detail", ""),
                    )
                )
        if lamp_events:
            LampEvent.objects.bulk_create(lamp_events, ignore_conflicts=True)
            _lamp_alarm(pole=pole)
    readings_apply(rows=rows)


def _lamp_alarm(*, pole: Pole) -> None:
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


# --- Alarms --------------------------------------------------------------------------------------


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
        row = HourlyRollup.objects.filter(channel=channel, hour=_hour(channel.latest_ts)).first()
        return row.mean if row else None
    if threshold.aggregate == Aggregate.DAILY_MEAN:
        row = DailyRollup.objects.filter(
            channel=channel, day=channel.latest_ts.astimezone(UTC).date()
        ).first()
        return row.mean if row else None
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

    Idempotent: alarms are claimed by setting ``notified_at`` before the mail goes out.
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
            .select_related("pole")[:200]
        )
        if not pending:
            return 0
        Alarm.objects.filter(pk__in=[a.pk for a in pending]).update(notified_at=now)
    recipients = list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name=Role.OPERATOR.value) | Q(is_superuser=True))
        .values_list("email", flat=True)
        .distinct()
    )
    if recipients:
        lines = [f"- {a.pole.number} {a.pole.name}: {a.message}" for a in pending]
        send_mail(
            subject=_("Smart City: {n} new alarms").format(n=len(pending)),
            message="\n".join(
                [
                    *lines,
                    "",
                    settings.PORTAL_BASE_URL + "/smartcity/betrieb/alarme/",
                ]
            ),
            from_email=None,
            recipient_list=recipients,
        )
    return len(pending)
