"""Hourly and daily rollups: computed from the raw readings, so a re-delivered or late reading
gives the same result as the first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import connection, transaction

from smartcity.models import DailyRollup, HourlyRollup, Reading

Row = tuple[int, datetime, float]
Spans = dict[int, tuple[datetime, datetime]]


def hour_start(ts: datetime) -> datetime:
    return ts.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


_BUCKET_SQL = {
    "postgresql": (
        "date_trunc('hour', ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'",
        "(hour AT TIME ZONE 'UTC')::date",
    ),
    "sqlite": ("strftime('%%Y-%%m-%%d %%H:00:00', ts)", "date(hour)"),
}


def _bounds(spans: Spans) -> tuple[datetime, datetime]:
    start = min(hour_start(first) for first, _last in spans.values())
    end = max(hour_start(last) for _first, last in spans.values()) + timedelta(hours=1)
    return start, end


def rollups_refresh(*, spans: Spans) -> None:
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
        daily_refresh(spans=spans)


def hourly_add_new(rows: list[Row]) -> None:
    """Add readings that are all new to the hourly rollups (PostgreSQL, under the channel
    locks of ``readings_apply``): one upsert of the batch's own per-hour min, max, sum, count."""
    hours: dict[datetime, datetime] = {}
    buckets: dict[tuple[int, datetime], list] = {}
    for channel_id, ts, value in rows:
        hour = hours.get(ts)
        if hour is None:
            hour = hours[ts] = hour_start(ts)
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


def daily_refresh(*, spans: Spans) -> None:
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
