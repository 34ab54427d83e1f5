"""``make run``: the development server, a Celery worker and beat, as one command.

Without Redis the three talk through kombu's filesystem transport: every message is a file under
``CELERY_BROKER_FOLDER`` (``var/broker``). The worker runs the same tasks and the beat the same
``CELERY_BEAT_SCHEDULE`` as production; pages enqueue after commit as they do there. With
``REDIS_URL`` set, both use Redis instead.

Each child runs in its own process group. Ctrl-C (or SIGTERM) stops the groups (the worker
finishes its task first) and kills what is left after a grace period, so nothing outlives the
command; if one child exits, the command stops the other and exits too.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

GRACE_SECONDS = 20


class Command(BaseCommand):
    help = "Serve the site with a Celery worker and beat (the schedule of production), no Redis."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--noreload", action="store_true", help="no auto-reloader")

    def handle(self, *args, addrport: str, noreload: bool, **options):
        env = dict(os.environ)
        if not settings.REDIS_URL and "CELERY_BROKER_URL" not in os.environ:
            env["CELERY_BROKER_URL"] = "filesystem://"
        env["CELERY_TASK_ALWAYS_EAGER"] = "false"
        folder = Path(env.get("CELERY_BROKER_FOLDER", settings.VAR_DIR / "broker"))
        folder.mkdir(parents=True, exist_ok=True)
        env["CELERY_BROKER_FOLDER"] = str(folder)
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        worker_argv = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--beat",
            "--schedule",
            str(folder / "beat-schedule"),
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        web_argv = [sys.executable, manage, "runserver", addrport]
        if noreload:
            web_argv.append("--noreload")

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
        children: list[subprocess.Popen] = []
        try:
            for argv in (worker_argv, web_argv):
                children.append(
                    subprocess.Popen(argv, cwd=settings.BASE_DIR, env=env, process_group=0)  # noqa: S603
                )
            self.stdout.write(
                "Web server, Celery worker and beat are running (broker: {}). "
                "Press Ctrl-C to stop them.".format(env.get("CELERY_BROKER_URL", "Redis"))
            )
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.2)
        finally:
            _stop_all(children)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        names = ("worker", "runserver")
        failed = [name for name, c in zip(names, children, strict=True) if c.returncode]
        if not stopping and failed:
            raise CommandError("Stopped because {} exited.".format(", ".join(failed)))


def _stop_all(children: list[subprocess.Popen]) -> None:
    """SIGTERM to each child's group, wait, then SIGKILL to whatever of the group is left."""
    for child in children:
        _signal_group(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for child in children:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
    for child in children:
        _signal_group(child.pid, signal.SIGKILL)  # grandchildren too (beat, runserver's reloader)
        child.wait()


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)
