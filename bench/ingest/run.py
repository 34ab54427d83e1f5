"""End-to-end ingestion: HTTP -> inbox in PostgreSQL -> Redis -> Celery worker -> readings.

Sends BENCH_READINGS readings (default 200,000) in requests of 5,000 from BENCH_CLIENTS threads
to a gunicorn of the portal, with BENCH_WORKERS Celery worker processes, and measures readings/s
from the first request until the last batch is done and every reading is in the table. The same
rows are first written with one raw binary COPY into the same table (then deleted) in the same
run: the result is reported as a ratio to that limit. The row count must be exact. The readings
table has no database foreign key (see ``smartcity.models.data.Reading``); the baseline COPY goes
into that same table, so it gains from that exactly as much as the worker's COPY does.

Needs DATABASE_URL and REDIS_URL (PostgreSQL and Redis); exits 0 with a message otherwise.
Uses the Celery default queue of REDIS_URL: run it against a Redis database no other worker uses.
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench import common

TOTAL = int(os.environ.get("BENCH_READINGS", "200000"))
PER_REQUEST = 5000
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
WEB_WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "2"))


def main() -> int:
    common.require_services("DATABASE_URL", "REDIS_URL")
    common.setup_django()
    from django.db import connection

    if connection.vendor != "postgresql":
        print("SKIPPED ingest: DATABASE_URL must point to PostgreSQL.")
        return 0
    from smartcity import services
    from smartcity.models import BatchStatus, IngestBatch, Pole, Reading

    Pole.objects.filter(number__startswith="BENCH-").delete()
    poles = []
    for i in range(20):
        pole = Pole.objects.create(
            number=f"BENCH-{i:03d}",
            name=f"Benchmark {i}",
            latitude=51.55,
            longitude=7.31,
            has_environment=True,
            has_wifi=True,
            charger_connectors=2,
        )
        services.channels_create_defaults(pole=pole)
        poles.append((pole, services.pole_token_rotate(pole=pole)))
    channels = {
        p.pk: list(
            p.channels.filter(kind__in=["temperature", "humidity", "pm10", "pm25", "no2", "noise"])
        )
        for p, _t in poles
    }
    start = datetime.now(UTC) - timedelta(days=3)

    # The requests: each pole sends 5,000 readings of its six environment channels per request.
    bodies, rows = [], []
    per_pole_ts = {p.pk: 0 for p, _t in poles}
    while len(rows) < TOTAL:
        for pole, token in poles:
            if len(rows) >= TOTAL:
                break
            readings = []
            while len(readings) < PER_REQUEST and len(rows) < TOTAL:
                per_pole_ts[pole.pk] += 1
                ts = start + timedelta(seconds=per_pole_ts[pole.pk])
                for channel in channels[pole.pk]:
                    if len(readings) >= PER_REQUEST or len(rows) >= TOTAL:
                        break
                    value = round(30 + (per_pole_ts[pole.pk] % 17) * 0.5, 1)
                    readings.append({"channel": channel.key, "ts": ts.isoformat(), "value": value})
                    rows.append((channel.pk, ts, value))
            bodies.append((token, json.dumps({"readings": readings}).encode()))
    channel_ids = [c.pk for cs in channels.values() for c in cs]

    # The limit: one binary COPY of the same rows into the same table.
    t0 = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY smartcity_reading (channel_id, ts, value) FROM STDIN (FORMAT BINARY)"
        ) as copy,
    ):
        copy.set_types(["int8", "timestamptz", "float8"])
        for row in rows:
            copy.write_row(row)
    copy_seconds = time.perf_counter() - t0
    copy_rate = len(rows) / copy_seconds
    Reading.objects.filter(channel_id__in=channel_ids).delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE smartcity_reading")

    port = common.free_port()
    web = common.start(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WEB_WORKERS),
            "--threads",
            "2",
        ],
        DJANGO_DEBUG="true",
    )
    worker = common.start(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--concurrency",
            str(WORKERS),
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
    )
    try:
        common.wait_for_port(port)
        time.sleep(3)  # the worker connects to Redis
        url = f"http://127.0.0.1:{port}/api/v1/smartcity/readings"

        def post(item):
            token, body = item
            request = urllib.request.Request(
                url,
                data=body,
                method="POST",
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
            )
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                answer = json.loads(response.read())
            if response.status != 202 or answer["rejected"]:
                raise RuntimeError(str(answer)[:300])
            return answer["accepted"]

        t0 = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            accepted = sum(pool.map(post, bodies))
        http_seconds = time.perf_counter() - t0
        batches = IngestBatch.objects.filter(pole__number__startswith="BENCH-")
        deadline = time.monotonic() + 600
        while batches.exclude(status=BatchStatus.DONE).exists() and time.monotonic() < deadline:
            time.sleep(0.2)
            connection.close()
        total_seconds = time.perf_counter() - t0
    finally:
        common.stop(web)
        common.stop(worker)

    stored = Reading.objects.filter(channel_id__in=channel_ids).count()
    rate = len(rows) / total_seconds
    print("bench/ingest: HTTP -> PostgreSQL inbox -> Redis -> Celery -> readings")
    print(f"  readings sent:        {len(rows):>10,} in {len(bodies)} requests of <= {PER_REQUEST}")
    print(f"  accepted (202):       {accepted:>10,}   stored: {stored:,} (must be equal)")
    print(f"  raw binary COPY:      {copy_rate:>10,.0f} readings/s ({copy_seconds:.2f} s)")
    print(
        f"  HTTP accepted in:     {http_seconds:>10.2f} s "
        f"({len(rows) / http_seconds:,.0f} readings/s incl. inbox write)"
    )
    print(f"  end to end:           {rate:>10,.0f} readings/s ({total_seconds:.2f} s)")
    print(f"  ratio to raw COPY:    {rate / copy_rate:>10.2f}   (target >= 0.4)")
    print(
        f"  setup: {WEB_WORKERS} gunicorn workers x 2 threads, {WORKERS} Celery workers, "
        f"{CLIENTS} clients, "
        f"{os.cpu_count()} CPUs shared by client, web, worker, Redis and PostgreSQL"
    )
    Pole.objects.filter(number__startswith="BENCH-").delete()
    if stored != len(rows) or accepted != len(rows):
        print("FAILED: the row count is not exact.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
