"""Chart queries of the operator dashboard against a large readings table.

Builds BENCH_POLES poles x 8 channels at 5-minute resolution over BENCH_DAYS days (default
100 x 8 x 90 days: about 20.7 M rows, as in the issue; set BENCH_POLES=10 for a quick run of
about 2 M) with generate_series straight into the readings table, computes the rollups with
the pipeline's own rollups_refresh, then times the 24 h, 30 d and 1 y chart queries (the
selectors the pages use) against one index-only query (the newest timestamp of a channel),
each as the median of BENCH_REPEAT runs over random channels.

Needs DATABASE_URL (PostgreSQL); exits 0 with a message otherwise. Keeps the data for the next
run when BENCH_KEEP=1 (generation is most of the time).
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import common

POLES = int(os.environ.get("BENCH_POLES", "100"))
DAYS = int(os.environ.get("BENCH_DAYS", "90"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "25"))
KINDS = ["temperature", "humidity", "pm25", "pm10", "no2", "noise", "light_level", "lamp_power"]


def main() -> int:
    common.require_services("DATABASE_URL")
    common.setup_django()
    from django.db import connection

    if connection.vendor != "postgresql":
        print("SKIPPED dashboard: DATABASE_URL must point to PostgreSQL.")
        return 0
    from smartcity import selectors, services
    from smartcity.models import KINDS as INFO
    from smartcity.models import Channel, Pole, Reading

    now = datetime.now(UTC).replace(second=0, microsecond=0)
    channels = list(Channel.objects.filter(pole__number__startswith="DASH-", kind__in=KINDS))
    expected = POLES * len(KINDS)
    t0 = time.perf_counter()
    if len(channels) != expected:
        Pole.objects.filter(number__startswith="DASH-").delete()
        for i in range(POLES):
            pole = Pole.objects.create(
                number=f"DASH-{i:03d}",
                name=f"Dashboard {i}",
                latitude=51.55,
                longitude=7.31,
                has_environment=True,
            )
            for kind in KINDS:
                info = INFO[kind]
                Channel.objects.create(
                    pole=pole,
                    key=kind,
                    kind=kind,
                    unit=info.unit,
                    minimum=info.minimum,
                    maximum=info.maximum,
                )
        channels = list(Channel.objects.filter(pole__number__startswith="DASH-"))
        ids = [c.pk for c in channels]
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO smartcity_reading (channel_id, ts, value) "
                "SELECT c, ts, 20 + 10 * sin(extract(epoch FROM ts) / 7200.0 + c) "
                "FROM unnest(%s::bigint[]) AS c, "
                "generate_series(%s::timestamptz, %s::timestamptz, interval '5 minutes') AS ts",
                [ids, now - timedelta(days=DAYS), now],
            )
            cursor.execute("VACUUM ANALYZE smartcity_reading")
        for channel_id in ids:
            services.rollups_refresh(spans={channel_id: (now - timedelta(days=DAYS), now)})
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE smartcity_hourlyrollup")
            cursor.execute("VACUUM ANALYZE smartcity_dailyrollup")
    build_seconds = time.perf_counter() - t0
    rows = Reading.objects.filter(channel__in=channels).count()

    rng = random.Random(42)

    def timed(fn) -> float:
        samples = []
        for _ in range(REPEAT):
            channel = rng.choice(channels)
            t = time.perf_counter()
            fn(channel)
            samples.append(time.perf_counter() - t)
        return common.median(samples)

    def index_only(channel):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT ts FROM smartcity_reading WHERE channel_id = %s ORDER BY ts DESC LIMIT 1",
                [channel.pk],
            )
            cursor.fetchone()

    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT ts FROM smartcity_reading WHERE channel_id = %s "
            "ORDER BY ts DESC LIMIT 1",
            [channels[0].pk],
        )
        plan = " ".join(r[0] for r in cursor.fetchall())
    base = timed(index_only)
    print("bench/dashboard: chart queries vs one index-only query")
    print(
        f"  dataset: {POLES} poles x {len(KINDS)} channels x 5 min x {DAYS} days = {rows:,} rows"
        + ("" if POLES >= 100 else " (smaller than the issue's 20 M: set BENCH_POLES=100)")
    )
    print(f"  built/checked in {build_seconds:.1f} s; baseline plan: {plan[:60]}...")
    print(f"  index-only query (newest ts):  {base * 1000:8.2f} ms   1.0")
    for key in ("24h", "7d", "30d", "1y"):
        points = []

        def chart(channel, key=key, points=points):
            points.append(len(selectors.chart_series(channel=channel, range_key=key)["points"]))

        median = timed(chart)
        source = selectors.chart_series(channel=channels[0], range_key=key)["source"]
        print(
            f"  chart {key:>3} ({source:>6}, {max(points):>4} points): {median * 1000:8.2f} ms "
            f"{median / base:6.1f}x"
        )
    if os.environ.get("BENCH_KEEP") != "1":
        Pole.objects.filter(number__startswith="DASH-").delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
