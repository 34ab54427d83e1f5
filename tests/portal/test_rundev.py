"""`make run` runs the schedule: `manage.py rundev` (what `make run` starts) serves the site with a
Celery worker and beat on kombu's filesystem transport, on SQLite, without Redis.

The tests start the real command in a subprocess against a SQLite file of their own, as a
newcomer's checkout would; nobody calls a task by hand.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]
FOREIGN = ("DATABASE_URL", "REDIS_URL", "REDIS_CACHE_URL", "MQTT_URL", "CELERY_BROKER_URL")


def _env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN}
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    env.update(
        DATABASE_URL="sqlite:///{}".format(folder / "portal.sqlite3"),
        CELERY_BROKER_FOLDER=str(folder / "broker"),
        MEDIA_ROOT=str(folder / "media"),
        DJANGO_TESTING="false",
        DJANGO_DEBUG="true",
        SMARTCITY_OFFLINE_CHECK_SECONDS="2",  # the beat's check, every minute in production
        LOG_LEVEL="INFO",
    )
    return env


def _manage(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """A migrated SQLite file, made once for the module and copied for each test."""
    folder = tmp_path_factory.mktemp("migrated")
    _manage(_env(folder), "migrate", "--noinput")
    return folder / "portal.sqlite3"


@pytest.fixture
def site(migrated, tmp_path) -> dict[str, str]:
    shutil.copy(migrated, tmp_path / "portal.sqlite3")
    return _env(tmp_path)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_processes(sid: int) -> list[str]:
    """Command lines of the live processes in session ``sid`` (the command and its children)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append((stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode())
    return found


def _get_json(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our own server)
        return json.load(response)


def _wait(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass  # the server is not up yet
        time.sleep(0.5)
    return False


SEED = """
from smartcity import services
from tests.smartcity.factories import PoleFactory
pole = PoleFactory(number="CR-STILL", name="Marktplatz")
print(services.pole_token_rotate(pole=pole))
"""


def test_make_run_detects_a_silent_pole_with_no_one_calling_a_task(site, tmp_path):
    token = _manage(site, "shell", stdin=SEED).strip().splitlines()[-1]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "rundev.log").open("w")
    command = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "rundev", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=site,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own session, like a terminal: Ctrl-C reaches the group
    )
    geojson = base + reverse("smartcity:environment_geojson")

    def state():
        (feature,) = [
            f for f in _get_json(geojson)["features"] if f["properties"]["number"] == "CR-STILL"
        ]
        return feature["properties"]["state"]

    try:
        assert _wait(lambda: state() == "ok", 90), "the site did not come up"
        # The pole's last reading arrives, twenty minutes old, through the device API.
        body = {
            "readings": [
                {
                    "channel": "temperature",
                    "ts": (timezone.now() - timedelta(minutes=20)).isoformat(),
                    "value": 11.5,
                }
            ]
        }
        request = urllib.request.Request(  # noqa: S310
            base + "/api/v1/smartcity/readings",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            assert response.status == 202

        # The worker writes it, the beat's offline check then marks the pole offline.
        assert _wait(lambda: state() == "offline", 90)
    finally:
        os.killpg(command.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        command.wait(timeout=60)
        log.close()

    output = (tmp_path / "rundev.log").read_text()
    # The web server enqueued, the worker ran it (not the web process, eagerly).
    assert "Task smartcity.tasks.process_batch[" in output
    assert "Task smartcity.tasks.detect_offline_poles[" in output
    assert command.returncode == 0, output[-3000:]
    # Ctrl-C left nothing behind: no worker, no beat, no web server.
    assert _wait(lambda: not _session_processes(command.pid), 10), _session_processes(command.pid)


def test_a_terminated_rundev_leaves_no_process_behind(site, tmp_path):
    command = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "rundev", f"127.0.0.1:{_free_port()}"],  # with reloader
        cwd=ROOT,
        env=site,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    # worker, its beat, runserver and runserver's reloaded child
    assert _wait(lambda: len(_session_processes(command.pid)) >= 5, 90)
    command.send_signal(signal.SIGTERM)  # to the command alone, not to its children
    command.wait(timeout=60)
    assert _wait(lambda: not _session_processes(command.pid), 10), _session_processes(command.pid)


CONCURRENT_WRITES = """
from django.db import transaction
from portal.models import Department
for n in range({n}):
    with transaction.atomic():  # read, then write: the pattern of every service
        Department.objects.filter(slug__startswith="{prefix}").count()
        Department.objects.create(name="{prefix} " + str(n), slug="{prefix}-" + str(n))
print("done")
"""


def test_two_processes_writing_to_sqlite_lose_no_write(site):
    """Web and worker write to one SQLite file under `make run`: no "database is locked"."""
    writers = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "shell", "-c", CONCURRENT_WRITES.format(n=150, prefix=p)],
            cwd=ROOT,
            env=site,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for p in ("web", "worker")
    ]
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err[-3000:]
        assert out.strip().endswith("done")
    counted = _manage(
        site,
        "shell",
        "-c",
        "from portal.models import Department;"
        "print(Department.objects.filter(slug__regex=r'^(web|worker)-').count())",
    )
    assert counted.strip().splitlines()[-1] == "300"
