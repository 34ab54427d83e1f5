"""Writing readings and events: the worker's part of the pipeline after a batch is claimed.

``readings_store`` writes the raw rows idempotently (binary COPY on PostgreSQL, a
conflict-ignoring insert elsewhere); ``readings_apply`` adds the latest values, last seen, rollups
and alarms in the same transaction; ``events_apply`` turns events into charging sessions, lamp
events and readings.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from smartcity.models import Alarm, Channel, ChargingSession, LampEvent, Pole, Reading
from smartcity.services.alarms import lamp_alarm_update, thresholds_evaluate
from smartcity.services.rollups import Row, daily_refresh, hourly_add_new, rollups_refresh


class Stored(NamedTuple):
    fresh: bool  # every row was new (the plain COPY succeeded)
    conflicts: int  # rows not written because another value is stored for their key


def readings_store(*, rows: list[Row]) -> Stored:
    """Write readings so that the same (channel, ts) twice is one row; the first value stays.

    PostgreSQL: binary COPY straight into the keyed table in its own transaction or savepoint
    (the fastest honest path); only if that reports a duplicate key, COPY into a temporary
    staging table, INSERT ... ON CONFLICT DO NOTHING and count in one query the staged rows
    whose stored value differs. Other databases: a conflict-ignoring bulk insert, then one read
    of the stored values. ``rows`` must not repeat a key.
    """
    if not rows:
        return Stored(True, 0)
    if connection.vendor == "sqlite":
        adapt = connection.ops.adapt_datetimefield_value
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT OR IGNORE INTO {Reading._meta.db_table} (channel_id, ts, value) "  # noqa: S608
                "VALUES (%s, %s, %s)",
                [(c, adapt(t), v) for c, t, v in rows],
            )
        return Stored(False, _conflicts_count(rows))
    if connection.vendor != "postgresql":
        with transaction.atomic():
            Reading.objects.bulk_create(
                [Reading(channel_id=c, ts=t, value=v) for c, t, v in rows],
                ignore_conflicts=True,
                batch_size=500,
            )
        return Stored(False, _conflicts_count(rows))
    import psycopg

    table = Reading._meta.db_table
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            _copy(cursor.cursor, table, rows)
        return Stored(True, 0)
    except psycopg.errors.UniqueViolation:
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor
            raw.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS smartcity_reading_stage "
                f"(LIKE {table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
            )
            # Empty already, unless an earlier call in the same transaction left rows.
            raw.execute("DELETE FROM smartcity_reading_stage")
            _copy(raw, "smartcity_reading_stage", rows)
            raw.execute(
                f"INSERT INTO {table} (channel_id, ts, value) "  # noqa: S608
                "SELECT channel_id, ts, value FROM smartcity_reading_stage "
                "ON CONFLICT (channel_id, ts) DO NOTHING"
            )
            raw.execute(
                f"SELECT count(*) FROM smartcity_reading_stage AS s JOIN {table} AS r "  # noqa: S608
                "USING (channel_id, ts) WHERE r.value <> s.value"
            )
            row = raw.fetchone()
    return Stored(False, row[0] if row else 0)


def _conflicts_count(rows: list[Row]) -> int:
    """How many rows differ from the stored value of their key (portable path, one read)."""
    wanted = {(int(c), t): v for c, t, v in rows}
    stored = Reading.objects.filter(
        channel_id__in={c for c, _t in wanted},
        ts__gte=min(t for _c, t in wanted),
        ts__lte=max(t for _c, t in wanted),
    ).values_list("channel_id", "ts", "value")
    return sum(
        1
        for channel_id, ts, value in stored
        if (channel_id, ts) in wanted and wanted[(channel_id, ts)] != value
    )


def _copy(raw_cursor, table: str, rows: list[Row]) -> None:
    with raw_cursor.copy(
        f"COPY {table} (channel_id, ts, value) FROM STDIN (FORMAT BINARY)"
    ) as copy:
        copy.set_types(["int8", "timestamptz", "float8"])
        for row in rows:
            copy.write_row(row)


def readings_apply(*, rows: list[Row], evaluate: bool = True) -> int:
    """Store readings, then update latest values, last seen, rollups and alarms.

    Returns how many readings were not stored because their channel and time already have
    another value (stored, or earlier in ``rows``): the first value is never overwritten.

    One transaction. On PostgreSQL it first takes a transaction-level advisory lock on each
    channel, so two workers never write the same channel's readings and rollups at once; that
    makes it safe to add a batch of only new readings to the hourly rollups incrementally
    instead of aggregating the touched hours again from the raw table.
    """
    unique: dict[tuple[int, datetime], float] = {}
    conflicts = 0
    for channel_id, ts, value in rows:
        if unique.setdefault((int(channel_id), ts), float(value)) != value:
            conflicts += 1
    if not unique:
        return 0
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
                return conflicts
        fresh, stored_conflicts = readings_store(rows=rows)
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
            hourly_add_new(rows)
            daily_refresh(spans=span)
        else:
            rollups_refresh(spans=span)
        if evaluate:
            thresholds_evaluate(channel_ids=list(latest))
    return conflicts + stored_conflicts


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


def events_apply(*, pole: Pole, events: list[dict]) -> int:
    """Write events; returns the readings among them refused for another stored value."""
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
            lamp_alarm_update(pole=pole)
    return readings_apply(rows=rows)
