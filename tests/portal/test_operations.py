"""Operations: health check, demo data, API schema, and a real Celery worker on Redis."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from portal.celery import app as celery_app
from portal.models import Department, User

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_reports_database_broker_and_migrations(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    expected_broker = "eager" if celery_app.conf.task_always_eager else "ok"
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": expected_broker, "migrations": "ok"},
    }


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_unreachable(client, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "error"


@pytest.mark.django_db
def test_healthz_reports_a_real_redis_broker_as_ok(client, redis_url, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_url", redis_url)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == "ok"


def test_healthz_is_503_with_pending_migrations(tmp_path):
    """A database that was never migrated: the check says so instead of pretending."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    code = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz', HTTP_HOST='localhost'); "
        "print(r.status_code, r.json()['checks']['migrations'])"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.stdout.split() == ["503", "pending"], result.stderr


@pytest.mark.django_db
def test_load_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    counts = (User.objects.count(), Department.objects.count())

    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115

    assert (User.objects.count(), Department.objects.count()) == counts
    assert counts[0] >= 3
    admin = User.objects.get(email="admin@example.org")
    assert admin.is_staff
    assert admin.authenticator_set.filter(type="totp").exists()


@pytest.mark.django_db
def test_load_demo_refuses_to_run_in_production(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo")
    assert not User.objects.filter(email="admin@example.org").exists()


@pytest.mark.django_db
def test_api_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower()
    assert "/static/drf_spectacular_sidecar/" in html


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_from_redis_against_postgres(redis_url, postgres_db):
    """Broker -> worker -> database, as in production: an expired session is cleared."""
    expired = SessionStore()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )
    db = settings.DATABASES["default"]
    database_url = "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(
        USER=db["USER"], HOST=db["HOST"] or "127.0.0.1", PORT=db["PORT"] or 5432, NAME=db["NAME"]
    )
    queue = f"test-{os.getpid()}-{time.monotonic_ns()}"
    worker = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-Q",
            queue,
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-gossip",
        ],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DJANGO_TESTING": "false",
        },
    )
    try:
        with celery_app.connection_for_write(redis_url) as conn:
            celery_app.send_task(
                "portal.tasks.clear_expired_sessions", queue=queue, connection=conn
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if not Session.objects.filter(session_key=expired.session_key).exists():
                break
            connection.close()
            time.sleep(0.5)
        assert not Session.objects.filter(session_key=expired.session_key).exists()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
