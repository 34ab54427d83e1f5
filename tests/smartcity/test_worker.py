"""A real Redis and real Celery workers: a killed worker and a restarted broker lose nothing.

The test starts its own redis-server (a free port, no persistence, like production's broker) so it
can restart it without disturbing anyone else's Redis.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from portal.celery import app as celery_app
from smartcity import services
from smartcity.models import BatchStatus, IngestBatch, Reading
from tests.smartcity.conftest import database_url
from tests.smartcity.factories import PoleFactory

BASE_DIR = Path(__file__).resolve().parents[2]
BATCHES = 24
PER_BATCH = 1000


class PrivateRedis:
    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [  # noqa: S607
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


def start_worker(broker_url: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DJANGO_TESTING": "false",
            "SMARTCITY_BATCH_LEASE_SECONDS": "3",  # a killed worker's claim ends quickly
        },
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def private_redis(redis_url):
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server (apt install redis-server)")
    # A port of its own (SMARTCITY_TEST_REDIS_PORT to choose one), so parallel runs never meet.
    port = int(os.environ.get("SMARTCITY_TEST_REDIS_PORT", "0")) or _free_port()
    redis = PrivateRedis(port)
    redis.start()
    yield redis
    if redis.process.poll() is None:
        redis.kill()


@pytest.fixture
def broker(private_redis, monkeypatch):
    """This process enqueues through the private Redis instead of running tasks eagerly."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_url", private_redis.url)
    _forget_connections()
    yield private_redis
    _forget_connections()


def _forget_connections():
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


START = (timezone.now() - timedelta(days=2)).replace(microsecond=0)


def _post(client, token, batch: int):
    start = START
    readings = [
        {
            "channel": "temperature",
            "ts": (start + timedelta(seconds=batch * PER_BATCH + i)).isoformat(),
            "value": 10 + (i % 7),
        }
        for i in range(PER_BATCH)
    ]
    response = client.post(
        "/api/v1/smartcity/readings",
        data={"readings": readings},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 202
    assert response.json()["accepted"] == PER_BATCH


def _wait(predicate, seconds: float, step=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        connection.close()
        if predicate():
            return True
        if step:
            step()
        time.sleep(0.5)
    return predicate()


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_and_a_restarted_redis_lose_and_duplicate_no_reading(
    postgres_db, broker, client, settings
):
    pole = PoleFactory(number="CR-KILL")
    token = services.pole_token_rotate(pole=pole)
    for batch in range(BATCHES):
        _post(client, token, batch)
    for batch in range(3):  # re-deliveries of batches already sent
        _post(client, token, batch)

    worker = start_worker(broker.url)
    try:
        assert _wait(lambda: IngestBatch.objects.filter(status=BatchStatus.DONE).exists(), 120)
        worker.send_signal(signal.SIGKILL)  # mid-stream: some done, one maybe half-way
        worker.wait(timeout=10)
        broker.kill()  # no persistence: every queued batch id is gone
        broker.start()
        assert IngestBatch.objects.filter(status=BatchStatus.PENDING).exists()

        _post(client, token, BATCHES)  # accepted again as soon as Redis is back
        worker = start_worker(broker.url)
        settings.SMARTCITY_REQUEUE_AFTER_SECONDS = 0

        def beat():
            services.batches_requeue_stale()  # what the beat task does every minute

        assert _wait(
            lambda: not IngestBatch.objects.exclude(status=BatchStatus.DONE).exists(),
            180,
            step=beat,
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)

    assert Reading.objects.filter(channel__pole=pole).count() == (BATCHES + 1) * PER_BATCH
    assert IngestBatch.objects.filter(status=BatchStatus.DONE).count() == BATCHES + 4
